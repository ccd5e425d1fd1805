'use client';

/**
 * What the team's admin pages (members, API tokens, webhooks) share around their lists: loading a
 * list with a retry, its loading/error/empty/ready states, the error of the last row action, the
 * create form with its fields, and the box that shows a new secret once with its copy button.
 */
import { useCallback, useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { FormError } from '../../components/form-error';
import { CopyField } from './copy-field';
import { errorText } from './error-text';
import shared from './team.module.css';
import page from './team-page.module.css';
import ui from '../../components/ui.module.css';

export type Loaded<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; message: string };

/**
 * Calls `load` (keep it stable with useCallback) and again whenever it, `trigger` or the returned
 * reload changes; a superseded call is aborted and never overwrites a newer answer.
 */
export function useLoaded<T>(load: (signal: AbortSignal) => Promise<T>, trigger?: unknown): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((count) => count + 1), []);
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal)
      .then((value) => setLoaded({ state: 'ready', value }))
      .catch((failure: unknown) => {
        if (!controller.signal.aborted) setLoaded({ state: 'error', message: errorText(failure) });
      });
    return () => controller.abort();
  }, [load, trigger, reloads]);
  return [loaded, reload];
}

/** A row action (revoke, disable, replay…): its error in words, and `after` once it succeeded. */
export function useRowAction(after: () => void) {
  const [problem, setProblem] = useState<string | null>(null);
  const act = async (action: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await action();
      after();
    } catch (failure) {
      setProblem(errorText(failure));
    }
  };
  return { problem, act };
}

/**
 * A create form's submit: `check` answers a sentence when the input is not ready (nothing is sent),
 * then `send` runs with the form busy; its failure becomes the form's error.
 */
export function useCreateForm(check: () => string | null, send: () => Promise<void>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const unready = check();
    if (unready) return setError(unready);
    setPending(true);
    setError(null);
    try {
      await send();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setPending(false);
    }
  };
  return { pending, error, submit };
}

export interface LoadedListProps<T extends unknown[]> {
  loaded: Loaded<T>;
  /** The plural in "Loading tokens…" and "Could not load the tokens". */
  noun: string;
  /** Offered as "Try again" after a failed load. */
  onRetry?: () => void;
  /** Shown instead of the list when it is empty; without it an empty list is rendered like any other. */
  empty?: ReactNode;
  children: (items: T) => ReactNode;
}

export function LoadedList<T extends unknown[]>({ loaded, noun, onRetry, empty, children }: LoadedListProps<T>) {
  if (loaded.state === 'loading')
    return (
      <p className={shared.hint} aria-busy="true">
        Loading {noun}…
      </p>
    );
  if (loaded.state === 'error')
    return onRetry ? (
      <div className={ui.formError} role="alert">
        <p>
          Could not load the {noun}: {loaded.message}
        </p>
        <button type="button" className={shared.button} onClick={onRetry}>
          Try again
        </button>
      </div>
    ) : (
      <FormError message={`Could not load the ${noun}: ${loaded.message}`} />
    );
  if (loaded.value.length === 0 && empty !== undefined) return <p className={shared.hint}>{empty}</p>;
  return <>{children(loaded.value)}</>;
}

export interface SecretOnceProps {
  heading: string;
  /** The copy field's id and label ("Token", "Signing secret"). */
  fieldId: string;
  label: string;
  secret: string;
  /** What to do with it, under the heading. */
  note?: ReactNode;
  /** Under the field: the warning that it is shown only this once. */
  warning?: ReactNode;
  onDone?: () => void;
  testId?: string;
}

/** A secret the server shows only once (an API token, a webhook's signing secret), with its copy button. */
export function SecretOnce({ heading, fieldId, label, secret, note, warning, onDone, testId }: SecretOnceProps) {
  const headingId = `${fieldId}-heading`;
  return (
    <section className={page.section} aria-labelledby={headingId} data-testid={testId}>
      <h2 id={headingId}>{heading}</h2>
      {note}
      <CopyField id={fieldId} label={label} value={secret} />
      {warning}
      {onDone ? (
        <button type="button" className={shared.button} onClick={onDone}>
          Done
        </button>
      ) : null}
    </section>
  );
}

export interface FormSectionProps {
  heading: string;
  form: ReturnType<typeof useCreateForm>;
  /** The form's layout: by default team-page's rowForm (the fields and the button on one line). */
  formClassName?: string;
  submitLabel: string;
  pendingLabel: string;
  /** The fields. */
  children: ReactNode;
}

/** A section holding one create form: heading, fields, the busy submit button, and the form's error. */
export function FormSection({ heading, form, formClassName = page.rowForm, submitLabel, pendingLabel, children }: FormSectionProps) {
  const headingId = useId();
  return (
    <section className={page.section} aria-labelledby={headingId}>
      <h2 id={headingId}>{heading}</h2>
      <form className={formClassName} onSubmit={form.submit} noValidate aria-busy={form.pending}>
        {children}
        <button type="submit" className={`${shared.button} ${shared.primary}`} disabled={form.pending}>
          {form.pending ? pendingLabel : submitLabel}
        </button>
      </form>
      <FormError message={form.error} />
    </section>
  );
}

export interface FormInputProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'email' | 'url';
  autoComplete?: string;
  maxLength?: number;
  placeholder?: string;
}

/** One text field of a create form: its label above it (team-page's field). */
export function FormInput({ label, value, onChange, ...input }: FormInputProps) {
  const id = useId();
  return (
    <div className={page.field}>
      <label htmlFor={id}>{label}</label>
      <input id={id} {...input} value={value} onChange={(event) => onChange(event.target.value)} />
    </div>
  );
}

export interface FormChoiceProps<T extends string> {
  label: string;
  value: T;
  /** The choices in the order shown: the value and its words. */
  options: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
  /** The field's layout: team-page's field (label above) unless told. */
  className?: string;
}

/** One choice of a form (a select), its label above it; only a listed value reaches `onChange`. */
export function FormChoice<T extends string>({ label, value, options, onChange, className = page.field }: FormChoiceProps<T>) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(event) => {
          const picked = options.find(([option]) => option === event.target.value);
          if (picked) onChange(picked[0]);
        }}
      >
        {options.map(([option, words]) => (
          <option key={option} value={option}>
            {words}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A table's header row: the named columns, then the row actions' column (named for screen readers only). */
export function TableHead({ columns }: { columns: (string | null)[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) =>
          column === null ? null : (
            <th key={column} scope="col">
              {column}
            </th>
          ),
        )}
        <th scope="col">
          <span className={ui.visuallyHidden}>Actions</span>
        </th>
      </tr>
    </thead>
  );
}
