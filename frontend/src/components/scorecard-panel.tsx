'use client';

import { useCallback, useEffect, useId, useRef, useState } from 'react';
import {
  RECOMMENDATION_LABELS,
  RECOMMENDATIONS,
  RUBRIC_SCORES,
  SCORECARD_LIMITS,
  type InterviewRubric,
  type Recommendation,
  type RubricCriterion,
  type ScorecardBody,
  type ScorecardListResponse,
  type ScorecardView,
} from '@pairpad/protocol';
import { ApiError } from '@/lib/api';
import { getMe } from '@/lib/auth-api';
import { cx } from '@/lib/cx';
import type { ApiAuth } from '@/lib/members-api';
import { getMyScorecard, listScorecards, saveScorecardDraft, submitScorecard } from '@/lib/scorecards-api';
import { ScorecardList } from './scorecard-list';
import styles from './scorecard-panel.module.css';
import ui from './ui.module.css';
import { FormError } from './form-error';

/** Typing pauses this long before the draft is saved. */
const AUTOSAVE_DELAY_MS = 800;
/** Others' scorecards are fetched again this often while the panel is open (REST only: nothing over the room's socket). */
const REFRESH_MS = 15_000;
/** A member's join is recorded a moment after the room opens: "not allowed" is retried this many times first. */
const JOIN_RETRIES = 10;

type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';
type Loaded =
  | { state: 'loading' }
  | { state: 'unavailable'; message: string }
  | { state: 'ready'; api: ApiAuth; memberId: string; rubric: InterviewRubric };

const EMPTY: ScorecardBody = { scores: {}, recommendation: null, notes: '' };

function bodyOf(card: ScorecardView | null): ScorecardBody {
  return card ? { scores: card.scores, recommendation: card.recommendation, notes: card.notes } : EMPTY;
}

function messageOf(error: unknown): string {
  if (error instanceof ApiError && error.code === 'SCORECARD_INCOMPLETE') return 'Score every criterion and choose a recommendation first.';
  return error instanceof Error ? error.message : String(error);
}

async function loadMine(api: ApiAuth, interviewId: string, signal: AbortSignal) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await getMyScorecard(api, interviewId, signal);
    } catch (error) {
      const early = error instanceof ApiError && (error.code === 'SCORECARD_NOT_ALLOWED' || error.code === 'INTERVIEW_NOT_FOUND');
      if (!early || attempt >= JOIN_RETRIES || signal.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/**
 * The interviewer's scorecard for this interview: a 1–4 score with its anchors and notes per
 * criterion of the interview's rubric, an overall recommendation, autosaved as a draft; Submit
 * makes it final (editable: an edit is submitted again as a new version). The others'
 * scorecards show only once this one is submitted (the server decides). Signed-in members only:
 * a guest interviewer link is told to sign in. Self-contained: it talks REST, not the room.
 */
export function ScorecardPanel({ apiUrl, interviewId }: { apiUrl: string; interviewId: string }) {
  const id = useId();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [card, setCard] = useState<ScorecardView | null>(null);
  const [form, setForm] = useState<ScorecardBody>(EMPTY);
  const [editing, setEditing] = useState(false);
  const [save, setSave] = useState<SaveState>('idle');
  const [error, setError] = useState<string | null>(null);
  const [others, setOthers] = useState<ScorecardListResponse | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef<ScorecardBody>(EMPTY);
  const saves = useRef(0);

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      const me = await getMe(apiUrl, controller.signal);
      if (!me.member) return setLoaded({ state: 'unavailable', message: 'Sign in as a member of the team to fill in a scorecard.' });
      const api: ApiAuth = { apiUrl, csrfToken: me.csrfToken };
      const mine = await loadMine(api, interviewId, controller.signal);
      setCard(mine.scorecard);
      setForm(bodyOf(mine.scorecard));
      latest.current = bodyOf(mine.scorecard);
      setLoaded({ state: 'ready', api, memberId: me.member.id, rubric: mine.rubric });
    })().catch((failure: unknown) => {
      if (controller.signal.aborted) return;
      const notAllowed = failure instanceof ApiError && failure.code === 'SCORECARD_NOT_ALLOWED';
      setLoaded({
        state: 'unavailable',
        message: notAllowed ? 'Only the interviewers of this interview can score it.' : messageOf(failure),
      });
    });
    return () => {
      controller.abort();
      clearTimeout(timer.current);
    };
  }, [apiUrl, interviewId]);

  const ready = loaded.state === 'ready' ? loaded : null;
  const refreshOthers = useCallback(async () => {
    if (!ready) return;
    setOthers(await listScorecards(ready.api, interviewId).catch(() => null));
  }, [ready, interviewId]);

  useEffect(() => {
    if (!ready) return;
    void refreshOthers();
    const interval = setInterval(() => void refreshOthers(), REFRESH_MS);
    return () => clearInterval(interval);
  }, [ready, refreshOthers]);

  const saveDraft = useCallback(async () => {
    if (!ready) return;
    const mine = ++saves.current;
    setSave('saving');
    try {
      const saved = await saveScorecardDraft(ready.api, interviewId, latest.current);
      if (mine !== saves.current) return;
      setCard(saved);
      setSave('saved');
      setError(null);
    } catch (failure) {
      if (mine !== saves.current) return;
      setSave('error');
      setError(messageOf(failure));
    }
  }, [ready, interviewId]);

  const submitted = card?.status === 'submitted';
  const locked = submitted && !editing;

  const change = (next: ScorecardBody) => {
    setForm(next);
    latest.current = next;
    // A submitted scorecard being edited is not autosaved: its edit is a new version, on Submit.
    if (submitted) return;
    setSave('pending');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void saveDraft(), AUTOSAVE_DELAY_MS);
  };

  const setCriterion = (criterion: RubricCriterion, patch: { score?: number; notes?: string }) => {
    const current = form.scores[criterion.id] ?? { score: null, notes: '' };
    change({ ...form, scores: { ...form.scores, [criterion.id]: { ...current, ...patch } } });
  };

  const submit = async () => {
    if (!ready) return;
    clearTimeout(timer.current);
    saves.current++;
    setSubmitting(true);
    try {
      const saved = await submitScorecard(ready.api, interviewId, latest.current);
      setCard(saved);
      setEditing(false);
      setSave('idle');
      setError(null);
      await refreshOthers();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setSubmitting(false);
    }
  };

  const cancelEdit = () => {
    setEditing(false);
    setForm(bodyOf(card));
    latest.current = bodyOf(card);
    setError(null);
  };

  if (loaded.state !== 'ready') {
    return (
      <section className={ui.panel} aria-labelledby={`${id}-title`} data-testid="scorecard-panel">
        <h2 id={`${id}-title`} className={ui.panelTitle}>
          Scorecard
        </h2>
        <p className={cx(ui.muted, styles.message)}>{loaded.state === 'loading' ? 'Loading…' : loaded.message}</p>
      </section>
    );
  }

  const { rubric } = loaded.rubric;
  return (
    <section className={cx(ui.panel, styles.panel)} aria-labelledby={`${id}-title`} data-testid="scorecard-panel">
      <div className={ui.panelHeader}>
        <h2 id={`${id}-title`} className={ui.panelTitle}>
          Scorecard
        </h2>
        <span className={ui.muted} role="status" data-testid="scorecard-status">
          {submitted
            ? `Submitted${card.version > 1 ? ` (version ${card.version})` : ''}${editing ? ' · editing' : ''}`
            : { idle: card ? 'Saved' : '', pending: 'Saving…', saving: 'Saving…', saved: 'Saved', error: 'Not saved' }[save]}
        </span>
      </div>
      <p className={cx(ui.muted, styles.source)}>
        {loaded.rubric.source.kind === 'question' ? "The question's rubric" : "The team's rubric"}
      </p>

      {rubric.criteria.map((criterion) => {
        const entry = form.scores[criterion.id];
        return (
          <fieldset key={criterion.id} className={styles.criterion} disabled={locked} data-testid={`criterion-${criterion.id}`}>
            <legend className={styles.legend}>{criterion.name}</legend>
            {criterion.description ? <p className={cx(ui.muted, styles.description)}>{criterion.description}</p> : null}
            <div className={styles.scores}>
              {RUBRIC_SCORES.map((score) => (
                <label key={score} className={cx(styles.score, entry?.score === score && styles.chosen)} title={criterion.anchors[score]}>
                  <input
                    type="radio"
                    name={`${id}-${criterion.id}`}
                    value={score}
                    checked={entry?.score === score}
                    onChange={() => setCriterion(criterion, { score })}
                  />
                  <span className={styles.scoreNumber}>{score}</span>
                  <span className={styles.anchor}>{criterion.anchors[score]}</span>
                </label>
              ))}
            </div>
            <textarea
              className={styles.notes}
              rows={2}
              aria-label={`Notes on ${criterion.name}`}
              placeholder="Notes (optional)"
              maxLength={SCORECARD_LIMITS.criterionNotesChars}
              value={entry?.notes ?? ''}
              onChange={(event) => setCriterion(criterion, { notes: event.target.value })}
            />
          </fieldset>
        );
      })}

      <fieldset className={styles.criterion} disabled={locked}>
        <legend className={styles.legend}>Recommendation</legend>
        <div className={styles.recommendations}>
          {RECOMMENDATIONS.map((value: Recommendation) => (
            <label key={value} className={cx(styles.recommendation, form.recommendation === value && styles.chosen)}>
              <input
                type="radio"
                name={`${id}-recommendation`}
                value={value}
                checked={form.recommendation === value}
                onChange={() => change({ ...form, recommendation: value })}
              />
              {RECOMMENDATION_LABELS[value]}
            </label>
          ))}
        </div>
        <textarea
          className={styles.notes}
          rows={3}
          aria-label="Overall notes"
          placeholder="Overall notes (only the interview team sees them)"
          maxLength={SCORECARD_LIMITS.overallNotesChars}
          value={form.notes}
          onChange={(event) => change({ ...form, notes: event.target.value })}
        />
      </fieldset>

      <FormError message={error} />
      <div className={styles.actions}>
        {locked ? (
          <button type="button" className={ui.button} onClick={() => setEditing(true)}>
            Edit
          </button>
        ) : (
          <>
            <button type="button" className={cx(ui.button, ui.primary)} disabled={submitting} onClick={() => void submit()}>
              {submitted ? 'Submit changes' : 'Submit scorecard'}
            </button>
            {editing ? (
              <button type="button" className={ui.button} onClick={cancelEdit}>
                Cancel
              </button>
            ) : null}
          </>
        )}
      </div>

      <h3 className={styles.othersTitle}>Other interviewers</h3>
      {others ? <ScorecardList list={others} excludeAuthorId={loaded.memberId} /> : <p className={ui.muted}>Loading…</p>}
    </section>
  );
}
