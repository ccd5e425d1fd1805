'use client';

import { useId, useState, type FormEvent } from 'react';
import {
  COMPARE_MODES,
  EditQuestionSchema,
  describeIssues,
  type CompareMode,
  type EditQuestion,
  type RoomQuestionView,
} from '@pairpad/protocol';
import { cx } from '@/lib/cx';
import styles from './question-editor.module.css';
import ui from './ui.module.css';
import { FormError } from './form-error';

interface DraftCase {
  name: string;
  stdin: string;
  expected: string;
  compare: CompareMode;
  hidden: boolean;
  timeLimitMs: string;
}

const COMPARE_WORDS: Record<CompareMode, string> = {
  exact: 'exact',
  trim: 'ignore trailing whitespace',
  tokens: 'whitespace-insensitive tokens',
  float: 'numbers within a tolerance',
  unordered: 'same lines in any order (result sets)',
};

function draftsOf(question: RoomQuestionView): DraftCase[] {
  return question.tests.map((test) => ({
    name: test.name,
    stdin: test.stdin ?? '',
    expected: test.expected ?? '',
    compare: test.compare,
    hidden: test.hidden,
    timeLimitMs: test.timeLimitMs !== undefined ? String(test.timeLimitMs) : '',
  }));
}

export interface QuestionEditorProps {
  question: RoomQuestionView;
  /** Resolves with the server's refusal in words, or null once saved. */
  save(edit: EditQuestion): Promise<string | null>;
  onClose(): void;
}

/**
 * The interviewer's own description and test cases, written in the room (no file needed). Checked
 * with the protocol's schema before it is sent; the server checks again, with the room's limits.
 */
export function QuestionEditor({ question, save, onClose }: QuestionEditorProps) {
  const id = useId();
  const [title, setTitle] = useState(question.title ?? '');
  const [description, setDescription] = useState(question.description);
  const [cases, setCases] = useState<DraftCase[]>(() => draftsOf(question));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const change = (index: number, patch: Partial<DraftCase>) =>
    setCases((current) => current.map((entry, i) => (i === index ? { ...entry, ...patch } : entry)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const tests = cases.map((entry) => ({
      name: entry.name,
      stdin: entry.stdin,
      expected: entry.expected,
      compare: entry.compare,
      hidden: entry.hidden,
      ...(entry.timeLimitMs.trim() ? { timeLimitMs: Number(entry.timeLimitMs) } : {}),
    }));
    const edit: EditQuestion = { title: title.trim() || null, description, tests };
    const parsed = EditQuestionSchema.safeParse(edit);
    if (!parsed.success) {
      const [path, message] = Object.entries(describeIssues(parsed.error))[0] ?? ['', 'is not valid'];
      const where = /^tests\.(\d+)\.(\w+)/.exec(path);
      setError(where ? `Test case ${Number(where[1]) + 1}, ${where[2]}: ${message}` : `${path}: ${message}`);
      return;
    }
    setSaving(true);
    setError(null);
    const refused = await save(edit);
    setSaving(false);
    if (refused) setError(refused);
    else onClose();
  };

  return (
    <form className={styles.editor} onSubmit={submit} noValidate aria-busy={saving}>
      <label htmlFor={`${id}-title`} className={ui.fieldLabel}>
        Title
      </label>
      <input id={`${id}-title`} value={title} maxLength={200} onChange={(event) => setTitle(event.target.value)} />
      <label htmlFor={`${id}-description`} className={ui.fieldLabel}>
        Description <span className={ui.optional}>(Markdown; both sides see it)</span>
      </label>
      <textarea id={`${id}-description`} rows={6} value={description} onChange={(event) => setDescription(event.target.value)} spellCheck />
      <h3 className={styles.subtitle}>Test cases</h3>
      {cases.length === 0 ? <p className={ui.hint}>No test cases yet.</p> : null}
      <ol className={styles.caseList}>
        {cases.map((entry, index) => (
          <li key={index}>
            <fieldset className={styles.case} aria-label={`Test case ${index + 1}`}>
              <legend>Test case {index + 1}</legend>
              <div className={styles.row}>
                <label>
                  Name
                  <input value={entry.name} maxLength={120} onChange={(event) => change(index, { name: event.target.value })} />
                </label>
                <label>
                  Compare
                  <select value={entry.compare} onChange={(event) => change(index, { compare: event.target.value as CompareMode })}>
                    {COMPARE_MODES.map((mode) => (
                      <option key={mode} value={mode}>
                        {COMPARE_WORDS[mode]}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  Time limit (ms)
                  <input
                    inputMode="numeric"
                    value={entry.timeLimitMs}
                    placeholder="default"
                    onChange={(event) => change(index, { timeLimitMs: event.target.value.replace(/\D/g, '') })}
                  />
                </label>
                <label className={cx(ui.toggle, styles.toggle)}>
                  <input type="checkbox" checked={entry.hidden} onChange={(event) => change(index, { hidden: event.target.checked })} />
                  Hidden from the candidate
                </label>
              </div>
              <div className={styles.row}>
                <label>
                  Input
                  <textarea
                    rows={2}
                    value={entry.stdin}
                    spellCheck={false}
                    onChange={(event) => change(index, { stdin: event.target.value })}
                  />
                </label>
                <label>
                  Expected output
                  <textarea
                    rows={2}
                    value={entry.expected}
                    spellCheck={false}
                    onChange={(event) => change(index, { expected: event.target.value })}
                  />
                </label>
              </div>
              <button type="button" className={ui.linkButton} onClick={() => setCases((current) => current.filter((_, i) => i !== index))}>
                Remove test case {index + 1}
              </button>
            </fieldset>
          </li>
        ))}
      </ol>
      <button
        type="button"
        className={ui.button}
        onClick={() =>
          setCases((current) => [
            ...current,
            { name: `case ${current.length + 1}`, stdin: '', expected: '', compare: 'trim', hidden: false, timeLimitMs: '' },
          ])
        }
      >
        Add test case
      </button>
      <FormError message={error} />
      <div className={ui.confirmButtons}>
        <button type="submit" className={cx(ui.button, ui.primary)} disabled={saving}>
          {saving ? 'Saving…' : 'Save question'}
        </button>
        <button type="button" className={ui.button} onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
