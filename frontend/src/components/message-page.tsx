import Link from 'next/link';
import type { ReactNode } from 'react';
import { cx } from '@/lib/cx';
import ui from './ui.module.css';

export interface MessagePageProps {
  title: string;
  /** The sentence under the title, when there is one. */
  children?: ReactNode;
  /** The way home (to /). */
  linkLabel?: string;
  /** `alert` where the page replaces something the user was waiting for (a room). */
  role?: 'alert';
}

/** A full page that only says something (not found, a malformed address, a room that cannot be joined) with a way home. */
export function MessagePage({ title, children, linkLabel = 'Go to PairPad', role }: MessagePageProps) {
  return (
    <main className={ui.centeredPage}>
      <div className={ui.card} role={role}>
        <h1>{title}</h1>
        {children ? <p>{children}</p> : null}
        <p>
          <Link href="/" className={cx(ui.button, ui.primary)}>
            {linkLabel}
          </Link>
        </p>
      </div>
    </main>
  );
}
