'use client';

import type { ReactNode } from 'react';
import { cx } from '@/lib/cx';
import { useDisclosure } from '@/lib/use-disclosure';
import styles from './header-popover.module.css';
import ui from './ui.module.css';

export interface HeaderPopoverProps {
  /** The button's words and accessible name (what tests and screen readers call it). */
  label: string;
  /** Drawn before the words (avatars, a dot); hidden from screen readers. */
  icon?: ReactNode;
  /** Only the icon shows (a phone's header); the words stay for screen readers. */
  hideLabel?: boolean;
  children: ReactNode;
  /** Something new inside while closed (a count badge on the button). */
  unread?: number;
  /** Which edge of the button the panel lines up with. */
  align?: 'start' | 'end';
  wide?: boolean;
}

/**
 * A header button that opens a panel under it (a disclosure, as the Settings menu): Escape closes
 * it and returns focus to the button, so does a click or focus outside. The panel stays mounted while
 * closed, so what it holds (a chat draft, a confirmation) survives closing it.
 */
export function HeaderPopover({ label, icon, hideLabel = false, children, unread = 0, align = 'end', wide = false }: HeaderPopoverProps) {
  const { open, panelId, wrapper, button } = useDisclosure();

  return (
    <div className={styles.popover} {...wrapper}>
      <button {...button} className={cx(ui.button, styles.button)}>
        {icon ? <span aria-hidden="true">{icon}</span> : null}
        <span className={hideLabel ? ui.visuallyHidden : undefined}>{label}</span>
        {unread > 0 && !open ? (
          <span className={cx(ui.countBadge, ui.unread)} aria-hidden="true">
            {unread}
          </span>
        ) : null}
      </button>
      <div id={panelId} className={cx(styles.panel, styles[align], wide && styles.wide)} role="group" aria-label={label} hidden={!open}>
        {children}
      </div>
    </div>
  );
}
