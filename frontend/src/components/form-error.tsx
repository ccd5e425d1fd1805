import ui from './ui.module.css';

/** A form's error in words, announced to screen readers (role="alert"); nothing when there is none. */
export function FormError({ message }: { message: string | null | undefined }) {
  return message ? (
    <p className={ui.formError} role="alert">
      {message}
    </p>
  ) : null;
}
