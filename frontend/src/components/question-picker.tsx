'use client';

import { useEffect, useId, useMemo, useState } from 'react';
import type { QuestionSummary } from '@pairpad/protocol';
import { languageLabel } from '@pairpad/protocol/language-table';
import { getQuestion, listQuestions, matchesSearch, type GuestAccess, type QuestionPreview } from '@/lib/questions-api';
import { cx } from '@/lib/cx';
import { DifficultyBadge } from './difficulty-badge';
import { MarkdownView } from './markdown-view';
import styles from './question-picker.module.css';
import ui from './ui.module.css';

export interface QuestionPickerProps {
  apiUrl: string;
  /** In a room opened by the guest interviewer link: read the bank with its token. */
  guest?: GuestAccess | null;
  /** The button under the preview: "Use this question", "Load into the room". */
  actionLabel: string;
  onChoose(question: QuestionPreview): void;
  /** Disables the action (e.g. while loading). */
  busy?: boolean;
}

type Listing = { state: 'loading' } | { state: 'ready'; questions: QuestionSummary[] } | { state: 'error'; message: string };
type Preview =
  | { state: 'none' }
  | { state: 'loading'; id: string }
  | { state: 'ready'; question: QuestionPreview }
  | { state: 'error'; message: string };

/**
 * The question bank: search by title and tag, pick one to preview it (description, starter
 * languages, how many cases are visible and hidden), then use it. Keyboard: the search field,
 * then the list of questions (buttons), then the preview's action.
 */
export function QuestionPicker({ apiUrl, guest = null, actionLabel, onChoose, busy = false }: QuestionPickerProps) {
  const id = useId();
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [search, setSearch] = useState('');
  const [preview, setPreview] = useState<Preview>({ state: 'none' });

  useEffect(() => {
    const controller = new AbortController();
    listQuestions(apiUrl, controller.signal, guest)
      .then((questions) => setListing({ state: 'ready', questions }))
      .catch(
        (error: unknown) =>
          !controller.signal.aborted && setListing({ state: 'error', message: error instanceof Error ? error.message : String(error) }),
      );
    return () => controller.abort();
  }, [apiUrl, guest]);

  const shown = useMemo(
    () => (listing.state === 'ready' ? listing.questions.filter((question) => matchesSearch(question, search)) : []),
    [listing, search],
  );

  const open = (questionId: string) => {
    setPreview({ state: 'loading', id: questionId });
    getQuestion(apiUrl, questionId, undefined, guest)
      .then((question) =>
        setPreview((current) => (current.state === 'loading' && current.id === questionId ? { state: 'ready', question } : current)),
      )
      .catch((error: unknown) => setPreview({ state: 'error', message: error instanceof Error ? error.message : String(error) }));
  };
  const selectedId = preview.state === 'ready' ? preview.question.id : preview.state === 'loading' ? preview.id : null;

  return (
    <div className={styles.picker}>
      <div className={styles.browser}>
        <label htmlFor={`${id}-search`} className={ui.fieldLabel}>
          Question
        </label>
        <input
          id={`${id}-search`}
          type="search"
          placeholder="Search by title or tag"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          aria-controls={`${id}-list`}
          autoComplete="off"
        />
        {listing.state === 'loading' ? <p className={ui.hint}>Loading the question bank…</p> : null}
        {listing.state === 'error' ? (
          <p className={ui.fieldError} role="alert">
            {listing.message}
          </p>
        ) : null}
        <ul id={`${id}-list`} className={styles.list} aria-label="Questions">
          {listing.state === 'ready' && shown.length === 0 ? (
            <li className={ui.hint}>{listing.questions.length === 0 ? 'The question bank is empty.' : 'No question matches.'}</li>
          ) : null}
          {shown.map((question) => (
            <li key={question.id}>
              <button
                type="button"
                className={cx(styles.item, selectedId === question.id && styles.selected)}
                aria-pressed={selectedId === question.id}
                onClick={() => open(question.id)}
              >
                <span className={styles.itemTitle}>{question.title}</span>
                <DifficultyBadge difficulty={question.difficulty} />
                <span className={styles.itemTags}>{question.tags.join(' · ')}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
      <section className={styles.preview} aria-label="Question preview" aria-busy={preview.state === 'loading'}>
        {preview.state === 'none' ? <p className={ui.hint}>Pick a question to preview it.</p> : null}
        {preview.state === 'loading' ? <p className={ui.hint}>Loading…</p> : null}
        {preview.state === 'error' ? (
          <p className={ui.fieldError} role="alert">
            {preview.message}
          </p>
        ) : null}
        {preview.state === 'ready' ? (
          <>
            <h3>{preview.question.title}</h3>
            <p className={ui.hint}>
              <DifficultyBadge difficulty={preview.question.difficulty} /> · {preview.question.tests.length} test cases (
              {preview.question.tests.filter((test) => test.hidden).length} hidden) · starters:{' '}
              {Object.keys(preview.question.starters).map(languageLabel).join(', ') || 'none'}
            </p>
            <MarkdownView source={preview.question.description} />
            <button
              type="button"
              className={cx(ui.button, ui.primary, styles.use)}
              disabled={busy}
              onClick={() => onChoose(preview.question)}
            >
              {actionLabel}
            </button>
          </>
        ) : null}
      </section>
    </div>
  );
}
