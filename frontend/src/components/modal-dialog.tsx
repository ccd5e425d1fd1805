'use client';

import { useEffect, useRef, type ReactNode } from 'react';

/** A native modal `<dialog>` (focus trapped, Esc closes), shown while mounted. */
export function ModalDialog({ label, onClose, children, wide = false }: { label: string; onClose(): void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} className={`modal${wide ? ' modal-wide' : ''}`} aria-label={label} onClose={onClose} onCancel={onClose}>
      <div className="modal-header">
        <h2 className="modal-title">{label}</h2>
        <button type="button" className="link-button" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      {children}
    </dialog>
  );
}
