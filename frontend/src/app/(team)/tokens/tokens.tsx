'use client';

import { useCallback, useState } from 'react';
import { createApiToken, listApiTokens, revokeApiToken, type ApiToken, type ApiTokenCreated } from '@/lib/api-tokens-api';
import type { ApiAuth } from '@/lib/members-api';
import type { Member } from '@/lib/team-shapes';
import { FormError } from '@/components/form-error';
import { MemberGate } from '../member-gate';
import {
  FormChoice,
  FormInput,
  FormSection,
  LoadedList,
  SecretOnce,
  TableHead,
  useCreateForm,
  useLoaded,
  useRowAction,
} from '../team-list';
import shared from '../team.module.css';
import page from '../team-page.module.css';
import styles from './tokens.module.css';
type Access = 'read' | 'read-write';
const ACCESS_CHOICES: readonly (readonly [Access, string])[] = [
  ['read', 'Read only'],
  ['read-write', 'Read and write'],
];

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const when = (iso: string | null) => (iso ? dateFormat.format(new Date(iso)) : 'never');

export function ApiTokensScreen() {
  return <MemberGate returnTo="/tokens">{(member, api) => <ApiTokens me={member} api={api} />}</MemberGate>;
}

/** A member's personal API tokens for /api/v1: create one (its secret shown once), see them, revoke. Admins see everyone's. */
function ApiTokens({ me, api }: { me: Member; api: ApiAuth }) {
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const team = me.role === 'admin';
  const load = useCallback((signal: AbortSignal) => listApiTokens(api, team ? 'team' : 'mine', signal), [api, team]);
  const [listing, reload] = useLoaded(load);
  const { problem, act } = useRowAction(reload);
  const revoke = (token: ApiToken) =>
    act(async () => {
      await revokeApiToken(api, token.id);
      if (created?.id === token.id) setCreated(null);
    });

  return (
    <main className={page.main}>
      <h1>API tokens</h1>
      <p className={shared.hint}>
        A token lets another system (an applicant tracking system, a script) use PairPad&apos;s API as you: create interviews with a write
        token, read them, their reports and scorecards with a read token. Send it as <code>Authorization: Bearer …</code>.
      </p>
      <CreateSection
        api={api}
        onCreated={(token) => {
          setCreated(token);
          reload();
        }}
      />
      {created ? (
        <SecretOnce
          heading={`Token “${created.name}” created`}
          fieldId="new-token"
          label="Token"
          secret={created.secret}
          warning={<p className={styles.warning}>Copy it now: it is shown only this once. PairPad keeps only a hash of it.</p>}
          onDone={() => setCreated(null)}
          testId="token-created"
        />
      ) : null}
      <section className={page.section} aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">{team ? "The team's tokens" : 'Your tokens'}</h2>
        <FormError message={problem} />
        <LoadedList loaded={listing} noun="tokens" onRetry={reload} empty="No tokens yet.">
          {(tokens) => (
            <table className={page.table} aria-label="API tokens">
              <TableHead columns={['Name', 'Access', team ? 'Member' : null, 'Created', 'Last used']} />
              <tbody>
                {tokens.map((token) => (
                  <TokenRow key={token.id} token={token} showMember={team} onRevoke={() => void revoke(token)} />
                ))}
              </tbody>
            </table>
          )}
        </LoadedList>
      </section>
    </main>
  );
}

function TokenRow({ token, showMember, onRevoke }: { token: ApiToken; showMember: boolean; onRevoke(): void }) {
  const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now();
  return (
    <tr>
      <th scope="row">
        {token.name}
        <code className={styles.prefix}>{token.prefix}…</code>
      </th>
      <td>{token.scopes.includes('write') ? 'Read and write' : 'Read only'}</td>
      {showMember ? <td>{token.member.name}</td> : null}
      <td>{when(token.createdAt)}</td>
      <td>{when(token.lastUsedAt)}</td>
      <td>
        {token.revokedAt ? (
          <span className={page.alarm}>Revoked {when(token.revokedAt)}</span>
        ) : expired ? (
          <span className={page.alarm}>Expired</span>
        ) : (
          <button type="button" className={shared.button} onClick={onRevoke} aria-label={`Revoke ${token.name}`}>
            Revoke
          </button>
        )}
      </td>
    </tr>
  );
}

function CreateSection({ api, onCreated }: { api: ApiAuth; onCreated(token: ApiTokenCreated): void }) {
  const [name, setName] = useState('');
  const [access, setAccess] = useState<Access>('read');
  const form = useCreateForm(
    () => (name.trim() ? null : 'Name the token after what will use it ("Greenhouse sync").'),
    async () => {
      onCreated(await createApiToken(api, { name: name.trim(), scopes: access === 'read' ? ['read'] : ['read', 'write'] }));
      setName('');
    },
  );
  return (
    <FormSection heading="Create a token" form={form} submitLabel="Create token" pendingLabel="Creating…">
      <FormInput label="Name" autoComplete="off" maxLength={80} value={name} onChange={setName} />
      <FormChoice label="Access" value={access} options={ACCESS_CHOICES} onChange={setAccess} />
    </FormSection>
  );
}
