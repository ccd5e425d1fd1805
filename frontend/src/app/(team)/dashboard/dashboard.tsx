'use client';

import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { RECOMMENDATION_LABELS, RECOMMENDATIONS, type Recommendation } from '@pairpad/protocol';
import { listInterviews, type InterviewQuery } from '@/lib/interviews-api';
import type { ApiAuth } from '@/lib/members-api';
import { type InterviewListResponse, type InterviewScope, type InterviewStatus, type Member } from '@/lib/team-shapes';
import { errorText } from '../error-text';
import { MemberGate } from '../member-gate';
import { FormChoice } from '../team-list';
import shared from '../team.module.css';
import ui from '../../../components/ui.module.css';
import styles from './dashboard.module.css';
import { filtersFromSearch, filtersToSearch } from './dashboard-filters';
import { InterviewTable } from './interview-table';
import { NewInterview } from './new-interview';

const PAGE_SIZE = 20;
/** Typing in the search box asks the server once the typing pauses, not per key. */
const SEARCH_PAUSE_MS = 300;

const SCOPES: Array<{ id: InterviewScope; label: string }> = [
  { id: 'mine', label: 'My interviews' },
  { id: 'team', label: 'Team' },
];

/** The filters' choices: no filter ('') first. */
const STATUS_FILTER: readonly (readonly [InterviewStatus | '', string])[] = [
  ['', 'All'],
  ['upcoming', 'Upcoming'],
  ['live', 'Live now'],
  ['ended', 'Ended'],
];
const RECOMMENDATION_FILTER: readonly (readonly [Recommendation | '', string])[] = [
  ['', 'Any'],
  ...RECOMMENDATIONS.map((value) => [value, RECOMMENDATION_LABELS[value]] as const),
];

type Listing = { state: 'loading' } | { state: 'ready'; page: InterviewListResponse } | { state: 'error'; message: string };

export function DashboardScreen() {
  return <MemberGate returnTo="/dashboard">{(member, api) => <Dashboard member={member} api={api} />}</MemberGate>;
}

/** The start of the day `date` (yyyy-mm-dd, in the page's time zone) or its end, as an ISO date-time. */
function dayBound(date: string, end: boolean): string | null {
  if (!date) return null;
  const [year, month, day] = date.split('-').map(Number);
  if (!year || !month || !day) return null;
  return (end ? new Date(year, month - 1, day, 23, 59, 59, 999) : new Date(year, month - 1, day)).toISOString();
}

/** My interviews and the team's: filtered, searched and paged by the server. */
export function Dashboard({ member, api }: { member: Member; api: ApiAuth }) {
  const ids = useId();
  // The address's filters, read once: this page renders in the browser only (behind MemberGate).
  const [initial] = useState(() => filtersFromSearch(new URLSearchParams(window.location.search)));
  const [scope, setScope] = useState<InterviewScope>(initial.scope);
  const [status, setStatus] = useState<InterviewStatus | null>(initial.status);
  const [search, setSearch] = useState(initial.q);
  const [q, setQ] = useState(initial.q);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [recommendation, setRecommendation] = useState<Recommendation | null>(initial.recommendation);
  // The cursors of the pages seen so far: the last is this page's, so Previous pops one.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [reloads, setReloads] = useState(0);
  const cursor = cursors[cursors.length - 1] ?? null;

  useEffect(() => {
    const timer = setTimeout(() => setQ(search), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [search]);

  // Any new filter starts again from the first page, and is written to the address (replaced, so
  // Back leaves the dashboard instead of stepping through every keystroke of a search).
  useEffect(() => {
    setCursors([null]);
    const query = filtersToSearch({ scope, status, q, from, to, recommendation });
    if (query !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${query}`);
  }, [scope, status, q, from, to, recommendation]);

  useEffect(() => {
    const controller = new AbortController();
    const query: InterviewQuery = {
      scope,
      status,
      q,
      from: dayBound(from, false),
      to: dayBound(to, true),
      recommendation,
      cursor,
      limit: PAGE_SIZE,
    };
    setListing((current) => (current.state === 'ready' ? current : { state: 'loading' }));
    listInterviews(api, query, controller.signal)
      .then((page) => setListing({ state: 'ready', page }))
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setListing({ state: 'error', message: errorText(failure) });
      });
    return () => controller.abort();
  }, [api, scope, status, q, from, to, recommendation, cursor, reloads]);

  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const next = scope === 'mine' ? 'team' : 'mine';
    setScope(next);
    document.getElementById(`${ids}-tab-${next}`)?.focus();
  };
  const filtered = status !== null || q.trim() !== '' || from !== '' || to !== '' || recommendation !== null;
  const reload = () => setReloads((count) => count + 1);

  return (
    <main className={styles.main}>
      <div className={styles.top}>
        <h1>Interviews</h1>
        <NewInterview member={member} api={api} onCreated={reload} />
      </div>

      <div role="tablist" aria-label="Whose interviews" className={styles.tabs}>
        {SCOPES.map((entry) => (
          <button
            key={entry.id}
            id={`${ids}-tab-${entry.id}`}
            type="button"
            role="tab"
            className={styles.tab}
            aria-selected={scope === entry.id}
            aria-controls={`${ids}-panel`}
            tabIndex={scope === entry.id ? 0 : -1}
            onClick={() => setScope(entry.id)}
            onKeyDown={onTabKey}
          >
            {entry.label}
          </button>
        ))}
      </div>

      <div role="tabpanel" id={`${ids}-panel`} aria-labelledby={`${ids}-tab-${scope}`}>
        <form
          className={styles.filters}
          role="search"
          aria-label="Filter interviews"
          onSubmit={(event) => (event.preventDefault(), setQ(search))}
        >
          <div className={`${styles.filter} ${styles.search}`}>
            <label htmlFor={`${ids}-search`}>Search</label>
            <input
              id={`${ids}-search`}
              type="search"
              value={search}
              placeholder="Candidate, title or question"
              onChange={(event) => setSearch(event.target.value)}
            />
          </div>
          <FormChoice
            className={styles.filter}
            label="Status"
            value={status ?? ''}
            options={STATUS_FILTER}
            onChange={(picked) => setStatus(picked || null)}
          />
          <FormChoice
            className={styles.filter}
            label="Recommendation"
            value={recommendation ?? ''}
            options={RECOMMENDATION_FILTER}
            onChange={(picked) => setRecommendation(picked || null)}
          />
          <div className={styles.filter}>
            <label htmlFor={`${ids}-from`}>From</label>
            <input id={`${ids}-from`} type="date" value={from} max={to || undefined} onChange={(event) => setFrom(event.target.value)} />
          </div>
          <div className={styles.filter}>
            <label htmlFor={`${ids}-to`}>To</label>
            <input id={`${ids}-to`} type="date" value={to} min={from || undefined} onChange={(event) => setTo(event.target.value)} />
          </div>
          <button
            type="button"
            className={shared.button}
            disabled={!filtered}
            onClick={() => {
              setStatus(null);
              setRecommendation(null);
              setSearch('');
              setQ('');
              setFrom('');
              setTo('');
            }}
          >
            Clear filters
          </button>
        </form>

        <p className={styles.status} role="status" aria-live="polite">
          {listing.state === 'loading'
            ? 'Loading interviews…'
            : listing.state === 'ready'
              ? countWords(listing.page, cursors.length, filtered)
              : ''}
        </p>
        {listing.state === 'error' ? (
          <div className={ui.formError} role="alert">
            <p>Could not load the interviews: {listing.message}</p>
            <div className={shared.actions}>
              <button type="button" className={shared.button} onClick={reload}>
                Try again
              </button>
            </div>
          </div>
        ) : null}
        {listing.state === 'ready' ? (
          listing.page.items.length === 0 ? (
            <p className={`${styles.empty} ${styles.tableWrap}`}>{emptyWords(scope, filtered, cursors.length)}</p>
          ) : (
            <InterviewTable items={listing.page.items} member={member} api={api} showCreator={scope === 'team'} onDeleted={reload} />
          )
        ) : null}

        {listing.state === 'ready' && (cursors.length > 1 || listing.page.nextCursor) ? (
          <nav className={styles.pager} aria-label="Pages">
            <button
              type="button"
              className={shared.button}
              disabled={cursors.length <= 1}
              onClick={() => setCursors((stack) => stack.slice(0, -1))}
            >
              Previous
            </button>
            <span className={styles.pageNumber}>Page {cursors.length}</span>
            <button
              type="button"
              className={shared.button}
              disabled={!listing.page.nextCursor}
              onClick={() => {
                const next = listing.page.nextCursor;
                if (next) setCursors((stack) => [...stack, next]);
              }}
            >
              Next
            </button>
          </nav>
        ) : null}
      </div>
    </main>
  );
}

function countWords(page: InterviewListResponse, pageNumber: number, filtered: boolean): string {
  const count = page.items.length;
  if (count === 0) return '';
  const noun = count === 1 ? 'interview' : 'interviews';
  const more = page.nextCursor ? ', more on the next page' : '';
  return `${pageNumber > 1 ? `Page ${pageNumber}: ` : ''}${count} ${noun}${filtered ? ' match' + (count === 1 ? 'es' : '') : ''}${more}.`;
}

function emptyWords(scope: InterviewScope, filtered: boolean, pageNumber: number): string {
  if (pageNumber > 1) return 'No more interviews.';
  if (filtered) return 'No interview matches these filters.';
  return scope === 'mine' ? 'You have no interviews yet. Start one with “New interview”.' : 'Your team has no interviews yet.';
}
