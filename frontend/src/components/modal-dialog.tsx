'use client';

import { useEffect, useRef, type ReactNode } from 'react';
import { cx } from '@/lib/cx';
import styles from './modal-dialog.module.css';
import ui from './ui.module.css';

/** A native modal `<dialog>` (focus trapped, Esc closes), shown while mounted. */
export function ModalDialog({
  label,
  onClose,
  children,
  wide = false,
}: {
  label: string;
  onClose(): void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} className={cx(styles.modal, wide && styles.wide)} aria-label={label} onClose={onClose} onCancel={onClose}>
      <div className={styles.header}>
        <h2 className={styles.title}>{label}</h2>
        <button type="button" className={ui.linkButton} onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      {children}
    </dialog>
  );
}
