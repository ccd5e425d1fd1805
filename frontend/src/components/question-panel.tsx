'use client';

import dynamic from 'next/dynamic';
import { useCallback, useEffect, useId, useState } from 'react';
import type * as Y from 'yjs';
import type { LanguageId, RoomQuestionView } from '@pairpad/protocol';
import { languageLabel, starterCode } from '@pairpad/protocol/language-table';
import { cx } from '@/lib/cx';
import type { QuestionsState } from '@/room/use-questions';
import { MarkdownView } from './markdown-view';
import { ModalDialog } from './modal-dialog';
import type { GuestAccess } from '@/lib/questions-api';
import styles from './question-panel.module.css';
import ui from './ui.module.css';
import { FormError } from './form-error';

// Loaded when the interviewer opens it: the editor validates with the question schemas (classic
// zod), which stay out of the room page's first load (issue 21).
const QuestionPicker = dynamic(() => import('./question-picker').then((module) => module.QuestionPicker), {
  ssr: false,
  loading: () => <p role="status">Loading the question bank…</p>,
});
const QuestionEditor = dynamic(() => import('./question-editor').then((module) => module.QuestionEditor), {
  ssr: false,
  loading: () => <p role="status">Loading the editor…</p>,
});

export interface QuestionPanelProps {
  apiUrl: string;
  /** The guest interviewer's token for this room, when the room was opened by the interviewer link. */
  guest?: GuestAccess | null;
  questions: QuestionsState;
  language: LanguageId;
  /** The shared code, to tell typed code from a starter. */
  text: Y.Text | null;
  /** May change the question (the interviewer while the interview goes on). */
  canChangeQuestion: boolean;
  /** May edit the code (starter code replaces it). */
  canEditCode: boolean;
}

/** The shared code as React state. */
function useCode(text: Y.Text | null): string {
  const [code, setCode] = useState(() => text?.toString() ?? '');
  useEffect(() => {
    if (!text) return;
    const update = () => setCode(text.toString());
    update();
    text.observe(update);
    return () => text.unobserve(update);
  }, [text]);
  return code;
}

/** Code nobody has worked on: empty, PairPad's hello world, or one of the question's starters. */
function isUntouched(code: string, question: RoomQuestionView | null, language: LanguageId): boolean {
  const trimmed = code.trim();
  if (trimmed === '' || trimmed === starterCode(language).trim()) return true;
  return Object.values(question?.starters ?? {}).some((starter) => starter.trim() === trimmed);
}

type StarterAsk = { language: LanguageId; starter: string } | null;
type Undo = { previous: string; applied: string } | null;

/**
 * The room's question, in the side area's Question tab: the description (Markdown, rendered safely) both sides
 * see; the starter for the room's language, offered when the code is not it (asked first when it
 * would replace typed code, undoable); and for the interviewer the question bank and the editor.
 */
export function QuestionPanel({ apiUrl, guest = null, questions, language, text, canChangeQuestion, canEditCode }: QuestionPanelProps) {
  const id = useId();
  const { question } = questions;
  const code = useCode(text);
  const [dialog, setDialog] = useState<'picker' | 'editor' | null>(null);
  const [asking, setAsking] = useState<StarterAsk>(null);
  const [undo, setUndo] = useState<Undo>(null);
  const [loading, setLoading] = useState(false);

  const starter = question?.starters[language];
  const starterDiffers = canEditCode && starter !== undefined && starter.trim() !== code.trim();
  // A banner only while nobody has worked on the code: after the first edit it would nag, so the
  // starter is then a quiet button in the panel.
  const untouched = isUntouched(code, question, language);
  const offersStarter = starterDiffers && untouched;

  const applyStarter = useCallback(
    (next: string) => {
      const previous = questions.replaceCode(next);
      if (previous !== null) setUndo({ previous, applied: next });
      setAsking(null);
    },
    [questions],
  );

  /** Loads a starter: at once when nothing was typed, else after asking. */
  const offer = useCallback(
    (next: string, forLanguage: LanguageId, current: RoomQuestionView | null) => {
      if (isUntouched(code, current, language)) applyStarter(next);
      else setAsking({ language: forLanguage, starter: next });
    },
    [applyStarter, code, language],
  );

  // The undo offer lasts 15 s, and only while the code is still the starter it loaded.
  useEffect(() => {
    if (undo && code.trim() !== undo.applied.trim()) setUndo(null);
  }, [code, undo]);
  useEffect(() => {
    if (!undo) return;
    const timer = setTimeout(() => setUndo(null), 15_000);
    return () => clearTimeout(timer);
  }, [undo]);

  const loadQuestion = async (questionId: string) => {
    setLoading(true);
    const loaded = await questions.load(questionId);
    setLoading(false);
    if (!loaded) return;
    setDialog(null);
    const next = loaded.starters[language];
    if (next !== undefined && canEditCode && next.trim() !== code.trim()) offer(next, language, loaded);
  };

  const hasQuestion = question !== null && (question.description.trim() !== '' || question.tests.length > 0 || question.title !== null);
  if (!hasQuestion && !canChangeQuestion) return null;

  return (
    <section className={cx(ui.panel, styles.panel)} aria-labelledby={`${id}-title`} data-testid="question-panel">
      <div className={cx(ui.panelHeader, styles.header)}>
        <h2 id={`${id}-title`} className={ui.panelTitle}>
          Question
          {question?.title ? (
            <span className={styles.title} data-testid="question-title">
              {question.title}
            </span>
          ) : null}
        </h2>
        {canChangeQuestion ? (
          <div className={styles.actions}>
            <button type="button" className={cx(ui.button, styles.button)} onClick={() => setDialog('picker')}>
              Choose question
            </button>
            <button type="button" className={cx(ui.button, styles.button)} onClick={() => setDialog('editor')} disabled={!question}>
              Edit question
            </button>
          </div>
        ) : null}
      </div>
      <div id={`${id}-body`} className={styles.body}>
        {hasQuestion && question ? (
          question.description.trim() ? (
            <MarkdownView source={question.description} testId="question-description" />
          ) : (
            <p className={ui.hint}>No description.</p>
          )
        ) : (
          <p className={ui.hint}>No question yet: choose one from the bank, or write your own description and test cases.</p>
        )}
        {question?.database ? <QuestionDatabaseView database={question.database} /> : null}
        {starterDiffers && !untouched && starter !== undefined && !asking ? (
          <p className={ui.hint}>
            <button type="button" className={ui.linkButton} onClick={() => offer(starter, language, question)}>
              Load the {languageLabel(language)} starter
            </button>{' '}
            (asks before it replaces the code)
          </p>
        ) : null}
        {question && question.hiddenCount > 0 ? (
          <p className={ui.hint}>
            {question.tests.length} test cases, {question.hiddenCount} of them hidden{canChangeQuestion ? ' from the candidate' : ''}.
          </p>
        ) : null}
      </div>
      {asking ? (
        <div className={ui.confirm} role="group" aria-label="Replace the code with the starter">
          <p>Replace the code in the editor with the {languageLabel(asking.language)} starter? You can undo it.</p>
          <div className={ui.confirmButtons}>
            <button type="button" className={cx(ui.button, ui.danger)} onClick={() => applyStarter(asking.starter)}>
              Replace the code
            </button>
            <button type="button" className={ui.button} onClick={() => setAsking(null)}>
              Keep my code
            </button>
          </div>
        </div>
      ) : offersStarter && starter !== undefined ? (
        <p className={styles.starterOffer} role="status" data-testid="starter-offer">
          This question has a {languageLabel(language)} starter.{' '}
          <button type="button" className={ui.linkButton} onClick={() => offer(starter, language, question)}>
            Load the {languageLabel(language)} starter
          </button>
        </p>
      ) : null}
      {undo ? (
        <p className={styles.starterOffer} role="status">
          Starter code loaded.{' '}
          <button
            type="button"
            className={ui.linkButton}
            onClick={() => {
              questions.replaceCode(undo.previous);
              setUndo(null);
            }}
          >
            Undo
          </button>{' '}
          <span className={ui.hint}>(or Ctrl+Z in the editor)</span>
        </p>
      ) : null}
      {dialog === 'picker' ? (
        <ModalDialog label="Choose a question" onClose={() => setDialog(null)} wide>
          <FormError message={questions.error} />
          <QuestionPicker
            apiUrl={apiUrl}
            guest={guest}
            actionLabel="Load into the room"
            busy={loading}
            onChoose={(picked) => void loadQuestion(picked.id)}
          />
        </ModalDialog>
      ) : null}
      {dialog === 'editor' && question ? (
        <ModalDialog label="Edit the question" onClose={() => setDialog(null)} wide>
          <QuestionEditor question={question} save={questions.edit} onClose={() => setDialog(null)} />
        </ModalDialog>
      ) : null}
    </section>
  );
}

/** A SQL question's schema and seed data: every run starts from them, and the candidate writes queries against them. */
function QuestionDatabaseView({ database }: { database: NonNullable<RoomQuestionView['database']> }) {
  return (
    <details className={styles.database} data-testid="question-database">
      <summary>Database: every run starts from this schema{database.seed ? ' and data' : ''}</summary>
      <pre className={styles.sql}>{database.schema}</pre>
      {database.seed ? <pre className={styles.sql}>{database.seed}</pre> : null}
    </details>
  );
}
