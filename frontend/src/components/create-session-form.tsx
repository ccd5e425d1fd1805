'use client';

import { useEffect, useState, type FormEvent } from 'react';
import {
  CreateSessionBodySchema,
  DEFAULT_LANGUAGE,
  DisplayNameSchema,
  LanguageIdSchema,
  MAX_NAME_LENGTH,
  MAX_TITLE_LENGTH,
  describeIssues,
  languageLabel,
  type CreateSessionResponse,
  type LanguageId,
} from '@pairpad/protocol';
import { ApiError } from '@/lib/api';
import { createSession } from '@/lib/sessions-api';
import { useResolveApiUrl } from '@/lib/config-context';
import { rememberName, rememberedName, storeJoinedName, storeToken } from '@/lib/identity';
import { availabilityOf, useLanguages, type LanguagesView } from '@/lib/use-languages';
import { DifficultyBadge } from './difficulty-badge';
import { LanguageOptions } from './language-options';
import { ModalDialog } from './modal-dialog';
import { QuestionPicker } from './question-picker';
import type { QuestionPreview } from '@/lib/questions-api';
import { cx } from '@/lib/cx';
import styles from './create-session-form.module.css';
import ui from './ui.module.css';
import { FormError } from './form-error';

type Field = 'name' | 'language' | 'title' | 'candidateName' | 'candidateEmail';
type FieldErrors = Partial<Record<Field, string>>;
const FIELDS: readonly string[] = ['name', 'language', 'title', 'candidateName', 'candidateEmail'] satisfies Field[];
const FIELD_WORDS: Record<Field, string> = {
  name: 'Name',
  language: 'Language',
  title: 'Title',
  candidateName: "The candidate's name",
  candidateEmail: "The candidate's email",
};

export interface CreateSessionFormProps {
  /** The signed-in member's name, used when this browser remembers none. */
  defaultName?: string;
  /** The member's CSRF token: creating a session is a cookie-authenticated write. */
  csrfToken: string | null;
  /** Called once the session exists (its interviewer token is already kept for the room). */
  onCreated(created: CreateSessionResponse, name: string): void;
}

/** The dashboard's "New interview" form: create a session as the signed-in member. */
export function CreateSessionForm({ defaultName = '', csrfToken, onCreated }: CreateSessionFormProps) {
  const resolveApiUrl = useResolveApiUrl();
  const [name, setName] = useState('');
  const [language, setLanguage] = useState<LanguageId>(DEFAULT_LANGUAGE);
  const [languagePicked, setLanguagePicked] = useState(false);
  const languages = useLanguages();
  const [title, setTitle] = useState('');
  const [candidateName, setCandidateName] = useState('');
  const [candidateEmail, setCandidateEmail] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [question, setQuestion] = useState<QuestionPreview | null>(null);
  const [choosing, setChoosing] = useState(false);
  const [apiUrl, setApiUrl] = useState<string | null>(null);

  useEffect(() => setApiUrl(resolveApiUrl()), [resolveApiUrl]);

  useEffect(() => setName((current) => current || rememberedName() || defaultName), [defaultName]);

  // The default language may be one this server lacks: start on the first one it runs instead.
  useEffect(() => {
    if (languagePicked || languages.status !== 'ready' || availabilityOf(languages, language)?.available) return;
    const first = languages.languages.find((entry) => entry.available);
    if (first) setLanguage(first.id);
  }, [languages, language, languagePicked]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    // The name is optional for the API but the room needs one: check it with the same schema.
    const nameCheck = DisplayNameSchema.safeParse(name);
    const parsed = CreateSessionBodySchema.safeParse({
      name,
      language,
      ...(title.trim() ? { title } : {}),
      ...(question ? { questionId: question.id } : {}),
      ...(candidateName.trim() ? { candidateName } : {}),
      ...(candidateEmail.trim() ? { candidateEmail } : {}),
    });
    const errors: FieldErrors = {};
    if (!nameCheck.success) errors.name = `Your name ${nameCheck.error.issues[0]?.message ?? 'is not valid'}.`;
    const picked = availabilityOf(languages, language);
    if (picked && !picked.available) errors.language = `${picked.label} is ${picked.reason}.`;
    if (!parsed.success) {
      for (const [path, message] of Object.entries(describeIssues(parsed.error))) {
        if (isField(path)) errors[path] ??= `${FIELD_WORDS[path]} ${message}.`;
      }
    }
    setFieldErrors(errors);
    if (!parsed.success || !nameCheck.success || errors.language) return;

    setPending(true);
    const apiUrl = resolveApiUrl();
    try {
      const created = await createSession(apiUrl, parsed.data, csrfToken);
      rememberName(nameCheck.data);
      storeToken(created.id, created.interviewerToken);
      storeJoinedName(created.id, nameCheck.data);
      onCreated(created, nameCheck.data);
    } catch (error) {
      setPending(false);
      if (error instanceof ApiError && error.details) {
        const serverErrors: FieldErrors = {};
        for (const [path, message] of Object.entries(error.details)) {
          if (isField(path)) serverErrors[path] = message;
        }
        setFieldErrors(serverErrors);
      }
      setFormError(error instanceof Error ? error.message : 'Something went wrong. Please try again.');
    }
  };

  const describedBy = (field: keyof FieldErrors) => (fieldErrors[field] ? `${field}-error` : undefined);

  return (
    <form onSubmit={submit} noValidate aria-busy={pending}>
      <label htmlFor="create-name" className={ui.fieldLabel}>
        Your name
      </label>
      <input
        id="create-name"
        name="name"
        autoComplete="name"
        value={name}
        maxLength={MAX_NAME_LENGTH}
        placeholder="e.g. Grace Hopper"
        aria-invalid={fieldErrors.name ? true : undefined}
        aria-describedby={describedBy('name')}
        onChange={(event) => setName(event.target.value)}
      />
      {fieldErrors.name ? (
        <p id="name-error" className={ui.fieldError}>
          {fieldErrors.name}
        </p>
      ) : null}

      <label htmlFor="create-language" className={ui.fieldLabel}>
        Starting language
      </label>
      <select
        id="create-language"
        name="language"
        value={language}
        aria-describedby={[describedBy('language'), 'language-status'].filter(Boolean).join(' ')}
        aria-busy={languages.status === 'loading' ? true : undefined}
        onChange={(event) => {
          const picked = LanguageIdSchema.safeParse(event.target.value);
          if (picked.success) {
            setLanguage(picked.data);
            setLanguagePicked(true);
          }
        }}
      >
        <LanguageOptions view={languages} />
      </select>
      {fieldErrors.language ? (
        <p id="language-error" className={ui.fieldError}>
          {fieldErrors.language}
        </p>
      ) : null}
      <p id="language-status" className={ui.hint} role="status" data-testid="language-status">
        {languageStatus(languages)}
      </p>

      <div className={ui.fieldLabel}>
        Question <span className={ui.optional}>(optional)</span>
      </div>
      {question ? (
        <div className={styles.chosenQuestion} data-testid="chosen-question">
          <strong>{question.title}</strong> <DifficultyBadge difficulty={question.difficulty} />
          <span className={ui.hint}>
            {' '}
            · {question.tests.length} test cases ({question.tests.filter((test) => test.hidden).length} hidden)
          </span>
          <div className={ui.confirmButtons}>
            <button type="button" className={ui.linkButton} onClick={() => setChoosing(true)}>
              Change
            </button>
            <button type="button" className={ui.linkButton} onClick={() => setQuestion(null)}>
              Remove
            </button>
          </div>
          {question.starters[language] === undefined ? (
            <p className={ui.hint} role="status">
              No {languageLabel(language)} starter for this question: the room starts from PairPad&apos;s template.
            </p>
          ) : null}
        </div>
      ) : (
        <button type="button" className={cx(ui.button, ui.wide)} onClick={() => setChoosing(true)} disabled={!apiUrl}>
          Choose a question…
        </button>
      )}
      {choosing && apiUrl ? (
        <ModalDialog label="Choose a question" onClose={() => setChoosing(false)} wide>
          <QuestionPicker
            apiUrl={apiUrl}
            actionLabel="Use this question"
            onChoose={(picked) => {
              setQuestion(picked);
              setChoosing(false);
              // Start in a language the question has a starter for, unless one was picked on purpose.
              const languages = Object.keys(picked.starters) as LanguageId[];
              if (!languagePicked && picked.starters[language] === undefined && languages[0]) setLanguage(languages[0]);
              if (!title.trim()) setTitle(picked.title.slice(0, MAX_TITLE_LENGTH));
            }}
          />
        </ModalDialog>
      ) : null}

      <label htmlFor="create-title" className={ui.fieldLabel}>
        Title <span className={ui.optional}>(optional)</span>
      </label>
      <input
        id="create-title"
        name="title"
        value={title}
        maxLength={MAX_TITLE_LENGTH}
        placeholder="e.g. Backend engineer — pairing round"
        aria-invalid={fieldErrors.title ? true : undefined}
        aria-describedby={describedBy('title')}
        onChange={(event) => setTitle(event.target.value)}
      />
      {fieldErrors.title ? (
        <p id="title-error" className={ui.fieldError}>
          {fieldErrors.title}
        </p>
      ) : null}

      <label htmlFor="create-candidate-name" className={ui.fieldLabel}>
        Candidate name <span className={ui.optional}>(optional)</span>
      </label>
      <input
        id="create-candidate-name"
        name="candidateName"
        autoComplete="off"
        value={candidateName}
        placeholder="e.g. Ada Lovelace"
        aria-invalid={fieldErrors.candidateName ? true : undefined}
        aria-describedby={describedBy('candidateName')}
        onChange={(event) => setCandidateName(event.target.value)}
      />
      {fieldErrors.candidateName ? (
        <p id="candidateName-error" className={ui.fieldError}>
          {fieldErrors.candidateName}
        </p>
      ) : null}

      <label htmlFor="create-candidate-email" className={ui.fieldLabel}>
        Candidate email <span className={ui.optional}>(optional)</span>
      </label>
      <input
        id="create-candidate-email"
        name="candidateEmail"
        type="email"
        autoComplete="off"
        value={candidateEmail}
        placeholder="ada@example.com"
        aria-invalid={fieldErrors.candidateEmail ? true : undefined}
        aria-describedby={describedBy('candidateEmail')}
        onChange={(event) => setCandidateEmail(event.target.value)}
      />
      {fieldErrors.candidateEmail ? (
        <p id="candidateEmail-error" className={ui.fieldError}>
          {fieldErrors.candidateEmail}
        </p>
      ) : null}
      <p className={ui.hint}>Kept with the interview so the team can find it on the dashboard; never shown to the candidate.</p>

      <FormError message={formError} />
      <button type="submit" className={cx(ui.button, ui.primary, ui.wide)} disabled={pending}>
        {pending ? 'Creating…' : 'Create session'}
      </button>
      <p className={ui.hint}>Next: copy the candidate link to send, and open the room as the interviewer.</p>
    </form>
  );
}

function isField(path: string): path is Field {
  return FIELDS.includes(path);
}

/** Under the language picker: what this server runs, in words. */
function languageStatus(view: LanguagesView): string {
  if (view.status === 'loading') return 'Checking which languages this server runs…';
  if (view.status === 'unavailable') return `${view.message} You can still create a session.`;
  const missing = view.languages.filter((entry) => !entry.available).length;
  if (missing === view.languages.length) return 'This server cannot run code in any language right now.';
  return missing === 0
    ? 'Every language is installed on this server.'
    : `${missing} of ${view.languages.length} languages are not installed on this server.`;
}
