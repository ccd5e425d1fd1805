'use client';

import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { createResetLink, inviteMember, listMembers, updateMember, type ApiAuth } from '@/lib/members-api';
import { MemberRoleSchema, type Member, type MemberListItem, type MemberRole } from '@/lib/team-shapes';
import { CopyField } from '../copy-field';
import { errorText } from '../error-text';
import { MemberGate } from '../member-gate';
import shared from '../team.module.css';
import ui from '../../../components/ui.module.css';
import styles from './members.module.css';

type Listing = { state: 'loading' } | { state: 'ready'; members: MemberListItem[] } | { state: 'error'; message: string };

const ROLE_WORDS: Record<MemberRole, string> = { admin: 'Admin', interviewer: 'Interviewer' };

export function MembersScreen() {
  return (
    <MemberGate returnTo="/members" adminOnly>
      {(member, api) => <Members me={member} api={api} />}
    </MemberGate>
  );
}

/** The admin's page: who is on the team, invite someone, change a role, disable, issue a reset link. */
function Members({ me, api }: { me: Member; api: ApiAuth }) {
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [reloads, setReloads] = useState(0);
  const [link, setLink] = useState<{ label: string; url: string; forWhom: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const reload = useCallback(() => setReloads((count) => count + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    listMembers(api, controller.signal)
      .then((members) => setListing({ state: 'ready', members }))
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setListing({ state: 'error', message: errorText(failure) });
      });
    return () => controller.abort();
  }, [api, reloads]);

  const act = async (action: () => Promise<void>) => {
    setProblem(null);
    try {
      await action();
      reload();
    } catch (failure) {
      setProblem(errorText(failure));
    }
  };

  return (
    <main className={styles.main}>
      <h1>Members</h1>
      <InviteSection api={api} onInvited={(url, forWhom) => setLink({ label: 'Invite link', url, forWhom })} />
      {link ? (
        <section className={styles.section}>
          <h2>{link.label === 'Invite link' ? 'Invite ready' : 'Reset link ready'}</h2>
          <p className={styles.linkFor}>For {link.forWhom}.</p>
          <CopyField id="member-link" label={link.label} value={link.url} />
          <p className={shared.hint}>Send it yourself (chat, email). It works once and expires; anyone holding it can use it until then.</p>
        </section>
      ) : null}
      <section className={styles.section} aria-labelledby="team-heading">
        <h2 id="team-heading">Team</h2>
        {problem ? (
          <p className={ui.formError} role="alert">
            {problem}
          </p>
        ) : null}
        {listing.state === 'loading' ? (
          <p className={shared.hint} aria-busy="true">
            Loading members…
          </p>
        ) : listing.state === 'error' ? (
          <div className={ui.formError} role="alert">
            <p>Could not load the members: {listing.message}</p>
            <button type="button" className={shared.button} onClick={reload}>
              Try again
            </button>
          </div>
        ) : (
          <table className={styles.table} aria-label="Members">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className={ui.visuallyHidden}>Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {listing.members.map((member) => (
                <MemberRow
                  key={member.id}
                  member={member}
                  self={member.id === me.id}
                  onRole={(role) => act(() => updateMember(api, member.id, { role }))}
                  onDisabled={(disabled) => act(() => updateMember(api, member.id, { disabled }))}
                  onReset={() =>
                    act(async () => {
                      const answer = await createResetLink(api, member.id);
                      setLink({
                        label: 'Reset link',
                        url: answer.resetUrl,
                        forWhom: `${member.name} (${member.email}): they choose a new password with it`,
                      });
                    })
                  }
                />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}

function InviteSection({ api, onInvited }: { api: ApiAuth; onInvited(url: string, forWhom: string): void }) {
  const [email, setEmail] = useState('');
  const ids = useId();
  const [role, setRole] = useState<MemberRole>('interviewer');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim()) return setError('Enter the email address of the person to invite.');
    setPending(true);
    setError(null);
    try {
      const answer = await inviteMember(api, { email: email.trim(), role });
      onInvited(answer.inviteUrl, `${email.trim()}, as ${ROLE_WORDS[role].toLowerCase()}`);
      setEmail('');
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setPending(false);
    }
  };
  return (
    <section className={styles.section} aria-labelledby="invite-heading">
      <h2 id="invite-heading">Invite a teammate</h2>
      <form className={styles.inviteForm} onSubmit={submit} noValidate aria-busy={pending}>
        <div className={styles.field}>
          <label htmlFor={`${ids}-email`}>Email</label>
          <input id={`${ids}-email`} type="email" autoComplete="off" value={email} onChange={(event) => setEmail(event.target.value)} />
        </div>
        <div className={styles.field}>
          <label htmlFor={`${ids}-role`}>Role</label>
          <select
            id={`${ids}-role`}
            value={role}
            onChange={(event) => setRole(MemberRoleSchema.catch('interviewer').parse(event.target.value))}
          >
            <option value="interviewer">Interviewer</option>
            <option value="admin">Admin</option>
          </select>
        </div>
        <button type="submit" className={`${shared.button} ${shared.primary}`} disabled={pending}>
          {pending ? 'Inviting…' : 'Invite'}
        </button>
      </form>
      {error ? (
        <p className={ui.formError} role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}

interface MemberRowProps {
  member: MemberListItem;
  self: boolean;
  onRole(role: MemberRole): void;
  onDisabled(disabled: boolean): void;
  onReset(): void;
}

function MemberRow({ member, self, onRole, onDisabled, onReset }: MemberRowProps) {
  return (
    <tr>
      <th scope="row">
        {member.name}
        {self ? ' (you)' : ''}
        <span className={styles.email}>{member.email}</span>
      </th>
      <td>
        {/* An admin cannot demote or disable themself: the team would risk having no admin. */}
        <select
          className={styles.roleSelect}
          aria-label={`Role of ${member.name}`}
          value={member.role}
          disabled={self}
          onChange={(event) => {
            const picked = MemberRoleSchema.safeParse(event.target.value);
            if (picked.success) onRole(picked.data);
          }}
        >
          {MemberRoleSchema.options.map((role) => (
            <option key={role} value={role}>
              {ROLE_WORDS[role]}
            </option>
          ))}
        </select>
      </td>
      <td>{member.disabled ? <span className={styles.disabled}>Disabled</span> : 'Active'}</td>
      <td>
        <div className={styles.rowActions}>
          {self ? null : (
            <button
              type="button"
              className={shared.button}
              onClick={() => onDisabled(!member.disabled)}
              aria-label={`${member.disabled ? 'Enable' : 'Disable'} ${member.name}`}
            >
              {member.disabled ? 'Enable' : 'Disable'}
            </button>
          )}
          <button type="button" className={shared.button} onClick={onReset} aria-label={`Reset link for ${member.name}`}>
            Reset link
          </button>
        </div>
      </td>
    </tr>
  );
}
