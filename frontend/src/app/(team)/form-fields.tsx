'use client';

/**
 * The fields and the submit row that the sign-in, setup, invite and reset forms share: one home
 * for the label/input pairing, the error that screen readers hear, and the busy button.
 */
import type { ReactNode } from 'react';
import styles from './team.module.css';
import { FormError } from '@/components/form-error';

export interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  name?: string;
  type?: 'text' | 'email' | 'password';
  autoComplete: string;
  spellCheck?: boolean;
  /** A line under the field. */
  hint?: ReactNode;
}

export function TextField({ id, label, value, onChange, name, type = 'text', autoComplete, spellCheck, hint }: TextFieldProps) {
  return (
    <>
      <label htmlFor={id} className={styles.label}>
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        autoComplete={autoComplete}
        spellCheck={spellCheck}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      {hint ? <p className={styles.hint}>{hint}</p> : null}
    </>
  );
}

export interface FormSubmitProps {
  /** The form's own error (shown above the button, announced). */
  error: string | null;
  pending: boolean;
  disabled?: boolean;
  label: string;
  pendingLabel: string;
}

export function FormSubmit({ error, pending, disabled = false, label, pendingLabel }: FormSubmitProps) {
  return (
    <>
      <FormError message={error} />
      <button type="submit" className={`${styles.button} ${styles.primary} ${styles.wide}`} disabled={pending || disabled}>
        {pending ? pendingLabel : label}
      </button>
    </>
  );
}
