'use client';

import { useCallback, useState } from 'react';
import { createResetLink, inviteMember, listMembers, updateMember, type ApiAuth } from '@/lib/members-api';
import { MemberRoleSchema, type Member, type MemberListItem, type MemberRole } from '@/lib/team-shapes';
import { CopyField } from '../copy-field';
import { FormError } from '@/components/form-error';
import { MemberGate } from '../member-gate';
import { FormChoice, FormInput, FormSection, LoadedList, TableHead, useCreateForm, useLoaded, useRowAction } from '../team-list';
import shared from '../team.module.css';
import page from '../team-page.module.css';
import styles from './members.module.css';

const ROLE_WORDS: Record<MemberRole, string> = { admin: 'Admin', interviewer: 'Interviewer' };
/** The invite's choice of role, the usual one first. */
const INVITE_ROLES = (['interviewer', 'admin'] as const).map((role) => [role, ROLE_WORDS[role]] as const);

export function MembersScreen() {
  return (
    <MemberGate returnTo="/members" adminOnly>
      {(member, api) => <Members me={member} api={api} />}
    </MemberGate>
  );
}

/** The admin's page: who is on the team, invite someone, change a role, disable, issue a reset link. */
function Members({ me, api }: { me: Member; api: ApiAuth }) {
  const [link, setLink] = useState<{ label: string; url: string; forWhom: string } | null>(null);
  const load = useCallback((signal: AbortSignal) => listMembers(api, signal), [api]);
  const [listing, reload] = useLoaded(load);
  const { problem, act } = useRowAction(reload);

  return (
    <main className={page.main}>
      <h1>Members</h1>
      <InviteSection api={api} onInvited={(url, forWhom) => setLink({ label: 'Invite link', url, forWhom })} />
      {link ? (
        <section className={page.section}>
          <h2>{link.label === 'Invite link' ? 'Invite ready' : 'Reset link ready'}</h2>
          <p className={styles.linkFor}>For {link.forWhom}.</p>
          <CopyField id="member-link" label={link.label} value={link.url} />
          <p className={shared.hint}>Send it yourself (chat, email). It works once and expires; anyone holding it can use it until then.</p>
        </section>
      ) : null}
      <section className={page.section} aria-labelledby="team-heading">
        <h2 id="team-heading">Team</h2>
        <FormError message={problem} />
        <LoadedList loaded={listing} noun="members" onRetry={reload}>
          {(members) => (
            <table className={page.table} aria-label="Members">
              <TableHead columns={['Name', 'Role', 'Status']} />
              <tbody>
                {members.map((member) => (
                  <MemberRow
                    key={member.id}
                    member={member}
                    self={member.id === me.id}
                    onRole={(role) => void act(() => updateMember(api, member.id, { role }))}
                    onDisabled={(disabled) => void act(() => updateMember(api, member.id, { disabled }))}
                    onReset={() =>
                      void act(async () => {
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
        </LoadedList>
      </section>
    </main>
  );
}

function InviteSection({ api, onInvited }: { api: ApiAuth; onInvited(url: string, forWhom: string): void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<MemberRole>('interviewer');
  const form = useCreateForm(
    () => (email.trim() ? null : 'Enter the email address of the person to invite.'),
    async () => {
      const answer = await inviteMember(api, { email: email.trim(), role });
      onInvited(answer.inviteUrl, `${email.trim()}, as ${ROLE_WORDS[role].toLowerCase()}`);
      setEmail('');
    },
  );
  return (
    <FormSection heading="Invite a teammate" form={form} submitLabel="Invite" pendingLabel="Inviting…">
      <FormInput label="Email" type="email" autoComplete="off" value={email} onChange={setEmail} />
      <FormChoice label="Role" value={role} options={INVITE_ROLES} onChange={setRole} />
    </FormSection>
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
        <span className={page.subline}>{member.email}</span>
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
      <td>{member.disabled ? <span className={page.alarm}>Disabled</span> : 'Active'}</td>
      <td>
        <div className={page.rowActions}>
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
