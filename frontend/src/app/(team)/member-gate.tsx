'use client';

import { useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { useAuth } from '@/lib/auth-context';
import type { ApiAuth } from '@/lib/members-api';
import type { Member } from '@/lib/team-shapes';
import { TeamHeader } from './team-header';
import { CannotReachServer } from './cannot-reach-server';
import styles from './team.module.css';

export interface MemberGateProps {
  /** Where to come back to after signing in (this page's path). */
  returnTo: string;
  adminOnly?: boolean;
  children(member: Member, api: ApiAuth): ReactNode;
}

/**
 * A page for signed-in members: says "loading" and "cannot reach the server" in words, sends a
 * visitor to sign in (then back here), and tells an interviewer that an admin page is not theirs.
 */
export function MemberGate({ returnTo, adminOnly = false, children }: MemberGateProps) {
  const { state, api, retry } = useAuth();
  const router = useRouter();
  const member = state.status === 'ready' ? state.me.member : null;
  const signedOut = state.status === 'ready' && !member;

  useEffect(() => {
    if (signedOut) router.replace(`/sign-in?${new URLSearchParams({ returnTo }).toString()}`);
  }, [signedOut, returnTo, router]);

  if (state.status === 'error') return <CannotReachServer message={state.message} onRetry={retry} />;
  if (!member || !api) {
    return (
      <main className={styles.centered} aria-busy="true">
        <p className={styles.lead}>{signedOut ? 'Taking you to sign in…' : 'Loading…'}</p>
      </main>
    );
  }
  if (adminOnly && member.role !== 'admin') {
    return (
      <>
        <TeamHeader />
        <main className={styles.centered}>
          <div className={styles.card} role="alert">
            <h1>For admins only</h1>
            <p>Only an admin of this PairPad can manage its members.</p>
          </div>
        </main>
      </>
    );
  }
  return (
    <>
      <TeamHeader />
      {children(member, api)}
    </>
  );
}
