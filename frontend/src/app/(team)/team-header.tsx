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

/** The team's pages, in the header's order; admin pages are shown to admins only. */
const TEAM_PAGES: ReadonlyArray<{ href: string; label: string; adminOnly?: boolean }> = [
  { href: '/dashboard', label: 'Dashboard' },
  { href: '/members', label: 'Members', adminOnly: true },
  { href: '/webhooks', label: 'Webhooks', adminOnly: true },
  { href: '/privacy', label: 'Candidate data', adminOnly: true },
  { href: '/rubric', label: 'Rubric' },
  { href: '/tokens', label: 'API tokens' },
];

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
        {TEAM_PAGES.filter((page) => !page.adminOnly || member.role === 'admin').map((page) => (
          <Link key={page.href} href={page.href} className={styles.navLink} aria-current={current(page.href)}>
            {page.label}
          </Link>
        ))}
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
