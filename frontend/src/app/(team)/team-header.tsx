'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useState } from 'react';
import { SettingsMenu } from '@/components/settings-menu';
import { useAuth } from '@/lib/auth-context';
import { Brand } from './brand';
import styles from './team-header.module.css';
import shared from './team.module.css';
import ui from '../../components/ui.module.css';

/** The signed-in member's header: the team's pages, their name, the theme, and Sign out. */
export function TeamHeader() {
  const { state, signOut } = useAuth();
  const pathname = usePathname();
  const [problem, setProblem] = useState<string | null>(null);
  const member = state.status === 'ready' ? state.me.member : null;
  if (!member) return null;

  const leave = async () => {
    try {
      await signOut();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'Could not sign out.');
    }
  };
  const current = (href: string) => (pathname === href ? 'page' : undefined);

  return (
    <header className={styles.header}>
      <Brand />
      <nav aria-label="Team" className={styles.nav}>
        <Link href="/dashboard" className={styles.navLink} aria-current={current('/dashboard')}>
          Dashboard
        </Link>
        {member.role === 'admin' ? (
          <>
            <Link href="/members" className={styles.navLink} aria-current={current('/members')}>
              Members
            </Link>
            <Link href="/webhooks" className={styles.navLink} aria-current={current('/webhooks')}>
              Webhooks
            </Link>
            <Link href="/privacy" className={styles.navLink} aria-current={current('/privacy')}>
              Candidate data
            </Link>
          </>
        ) : null}
        <Link href="/rubric" className={styles.navLink} aria-current={current('/rubric')}>
          Rubric
        </Link>
        <Link href="/tokens" className={styles.navLink} aria-current={current('/tokens')}>
          API tokens
        </Link>
      </nav>
      <div className={styles.spacer} />
      <div className={styles.who}>
        <span className={styles.name} data-testid="signed-in-member" title={member.email}>
          {member.name}
        </span>
        <SettingsMenu editor={false} />
        <button type="button" className={shared.button} onClick={leave}>
          Sign out
        </button>
      </div>
      {problem ? (
        <p role="alert" className={ui.formError}>
          {problem}
        </p>
      ) : null}
    </header>
  );
}
