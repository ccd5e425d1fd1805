'use client';

import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { createApiToken, listApiTokens, revokeApiToken, type ApiToken, type ApiTokenCreated } from '@/lib/api-tokens-api';
import type { ApiAuth } from '@/lib/members-api';
import type { Member } from '@/lib/team-shapes';
import { CopyField } from '../copy-field';
import { errorText } from '../error-text';
import { MemberGate } from '../member-gate';
import shared from '../team.module.css';
import ui from '../../../components/ui.module.css';
import styles from './tokens.module.css';

type Listing = { state: 'loading' } | { state: 'ready'; tokens: ApiToken[] } | { state: 'error'; message: string };
type Access = 'read' | 'read-write';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const when = (iso: string | null) => (iso ? dateFormat.format(new Date(iso)) : 'never');

export function ApiTokensScreen() {
  return <MemberGate returnTo="/tokens">{(member, api) => <ApiTokens me={member} api={api} />}</MemberGate>;
}

/** A member's personal API tokens for /api/v1: create one (its secret shown once), see them, revoke. Admins see everyone's. */
function ApiTokens({ me, api }: { me: Member; api: ApiAuth }) {
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [reloads, setReloads] = useState(0);
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const reload = useCallback(() => setReloads((count) => count + 1), []);
  const team = me.role === 'admin';

  useEffect(() => {
    const controller = new AbortController();
    listApiTokens(api, team ? 'team' : 'mine', controller.signal)
      .then((tokens) => setListing({ state: 'ready', tokens }))
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setListing({ state: 'error', message: errorText(failure) });
      });
    return () => controller.abort();
  }, [api, team, reloads]);

  const revoke = async (token: ApiToken) => {
    setProblem(null);
    try {
      await revokeApiToken(api, token.id);
      if (created?.id === token.id) setCreated(null);
      reload();
    } catch (failure) {
      setProblem(errorText(failure));
    }
  };

  return (
    <main className={styles.main}>
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
        <section className={styles.section} aria-labelledby="created-heading" data-testid="token-created">
          <h2 id="created-heading">Token “{created.name}” created</h2>
          <CopyField id="new-token" label="Token" value={created.secret} />
          <p className={styles.warning}>Copy it now: it is shown only this once. PairPad keeps only a hash of it.</p>
          <button type="button" className={shared.button} onClick={() => setCreated(null)}>
            Done
          </button>
        </section>
      ) : null}
      <section className={styles.section} aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">{team ? "The team's tokens" : 'Your tokens'}</h2>
        {problem ? (
          <p className={ui.formError} role="alert">
            {problem}
          </p>
        ) : null}
        {listing.state === 'loading' ? (
          <p className={shared.hint} aria-busy="true">
            Loading tokens…
          </p>
        ) : listing.state === 'error' ? (
          <div className={ui.formError} role="alert">
            <p>Could not load the tokens: {listing.message}</p>
            <button type="button" className={shared.button} onClick={reload}>
              Try again
            </button>
          </div>
        ) : listing.tokens.length === 0 ? (
          <p className={shared.hint}>No tokens yet.</p>
        ) : (
          <table className={styles.table} aria-label="API tokens">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Access</th>
                {team ? <th scope="col">Member</th> : null}
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className={ui.visuallyHidden}>Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {listing.tokens.map((token) => (
                <TokenRow key={token.id} token={token} showMember={team} onRevoke={() => revoke(token)} />
              ))}
            </tbody>
          </table>
        )}
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
          <span className={styles.revoked}>Revoked {when(token.revokedAt)}</span>
        ) : expired ? (
          <span className={styles.revoked}>Expired</span>
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
  const ids = useId();
  const [name, setName] = useState('');
  const [access, setAccess] = useState<Access>('read');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setError('Name the token after what will use it ("Greenhouse sync").');
    setPending(true);
    setError(null);
    try {
      onCreated(await createApiToken(api, { name: name.trim(), scopes: access === 'read' ? ['read'] : ['read', 'write'] }));
      setName('');
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setPending(false);
    }
  };
  return (
    <section className={styles.section} aria-labelledby="create-heading">
      <h2 id="create-heading">Create a token</h2>
      <form className={styles.createForm} onSubmit={submit} noValidate aria-busy={pending}>
        <div className={styles.field}>
          <label htmlFor={`${ids}-name`}>Name</label>
          <input id={`${ids}-name`} autoComplete="off" maxLength={80} value={name} onChange={(event) => setName(event.target.value)} />
        </div>
        <div className={styles.field}>
          <label htmlFor={`${ids}-access`}>Access</label>
          <select
            id={`${ids}-access`}
            value={access}
            onChange={(event) => setAccess(event.target.value === 'read-write' ? 'read-write' : 'read')}
          >
            <option value="read">Read only</option>
            <option value="read-write">Read and write</option>
          </select>
        </div>
        <button type="submit" className={`${shared.button} ${shared.primary}`} disabled={pending}>
          {pending ? 'Creating…' : 'Create token'}
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
