'use client';

import { useRef, type KeyboardEvent } from 'react';
import { cx } from '@/lib/cx';
import styles from './room-tabs.module.css';
import ui from './ui.module.css';

export interface RoomTab<Id extends string> {
  id: Id;
  label: string;
  /** New content the person has not seen (chat messages, notes edits): a badge while the tab is closed. */
  unread?: number;
}

export interface RoomTabsProps<Id extends string> {
  label: string;
  tabs: ReadonlyArray<RoomTab<Id>>;
  active: Id;
  onSelect(id: Id): void;
  /** Builds the tab's and its panel's ids: `tabId(id)` / `panelId(id)`. */
  tabId(id: Id): string;
  panelId(id: Id): string;
  /** The phone's bar along the bottom of the screen instead of the side area's row. */
  variant?: 'bar' | 'row';
}

/**
 * A WAI-ARIA tab list (automatic activation: arrow keys move and open, Home/End jump). A closed tab
 * with something new carries a count badge, and a polite live region says it once in words.
 */
export function RoomTabs<Id extends string>({ label, tabs, active, onSelect, tabId, panelId, variant = 'row' }: RoomTabsProps<Id>) {
  const list = useRef<HTMLDivElement>(null);
  const news = tabs.filter((tab) => tab.id !== active && (tab.unread ?? 0) > 0);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((tab) => tab.id === active);
    const last = tabs.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % tabs.length
        : event.key === 'ArrowLeft'
          ? (index + last) % tabs.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    const tab = next === null ? undefined : tabs[next];
    if (!tab) return;
    event.preventDefault();
    onSelect(tab.id);
    list.current?.querySelector<HTMLElement>(`#${CSS.escape(tabId(tab.id))}`)?.focus();
  };

  return (
    <>
      <div ref={list} role="tablist" aria-label={label} className={cx(styles.tabs, styles[variant])} onKeyDown={onKeyDown}>
        {tabs.map((tab) => {
          const selected = tab.id === active;
          const unread = selected ? 0 : (tab.unread ?? 0);
          return (
            <button
              key={tab.id}
              type="button"
              role="tab"
              id={tabId(tab.id)}
              aria-selected={selected}
              aria-controls={panelId(tab.id)}
              tabIndex={selected ? 0 : -1}
              className={styles.tab}
              onClick={() => onSelect(tab.id)}
            >
              {tab.label}
              {unread > 0 ? (
                <span className={cx(ui.countBadge, ui.unread, styles.badge)} data-testid={`${tab.id}-tab-unread`}>
                  <span aria-hidden="true">{unread}</span>
                  <span className={ui.visuallyHidden}>, {unread} new</span>
                </span>
              ) : null}
            </button>
          );
        })}
      </div>
      <p className={ui.visuallyHidden} role="status" aria-live="polite">
        {news.map((tab) => `${tab.label}: ${tab.unread} new.`).join(' ')}
      </p>
    </>
  );
}
