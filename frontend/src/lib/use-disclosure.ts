import { useEffect, useId, useRef, useState, type FocusEvent, type KeyboardEvent, type RefObject } from 'react';

/**
 * A header button that opens a panel under it (WAI-ARIA disclosure): the button says whether the
 * panel is open and which panel it controls; Escape closes it and returns focus to the button, and
 * so does a click or focus outside the wrapper. Spread `wrapper` on the element holding both,
 * `button` on the button and give the panel `id={panelId} hidden={!open}`. `focusOnOpen`: the field
 * that takes the focus when the panel opens (the Settings menu's first select).
 */
export function useDisclosure(focusOnOpen?: RefObject<HTMLElement | null>) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const wrapperRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    focusOnOpen?.current?.focus();
    const closeOnOutsideClick = (event: PointerEvent) => {
      if (!wrapperRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', closeOnOutsideClick);
    return () => document.removeEventListener('pointerdown', closeOnOutsideClick);
  }, [open, focusOnOpen]);

  const wrapper = {
    ref: wrapperRef,
    onKeyDown: (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || !open) return;
      event.stopPropagation();
      setOpen(false);
      buttonRef.current?.focus();
    },
    onBlur: (event: FocusEvent) => {
      if (event.relatedTarget && !wrapperRef.current?.contains(event.relatedTarget as Node)) setOpen(false);
    },
  };
  const button = {
    ref: buttonRef,
    type: 'button' as const,
    'aria-expanded': open,
    'aria-controls': panelId,
    onClick: () => setOpen(!open),
  };
  return { open, panelId, wrapper, button };
}
