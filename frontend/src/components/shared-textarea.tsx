'use client';

import { useEffect, useRef, type TextareaHTMLAttributes } from 'react';
import type * as Y from 'yjs';

/** Marks our own writes, so the observer does not echo them back into the textarea. */
const LOCAL_ORIGIN = Symbol('shared-textarea');

/** Replaces `before` with `after` in `text` as one small edit (common prefix and suffix kept), so concurrent edits merge. */
function applyDiff(text: Y.Text, before: string, after: string): void {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  text.doc?.transact(() => {
    if (endBefore > start) text.delete(start, endBefore - start);
    if (endAfter > start) text.insert(start, after.slice(start, endAfter));
  }, LOCAL_ORIGIN);
}

/** Moves a caret position through a remote change, so typing elsewhere does not steal it. */
function transformPosition(position: number, delta: Y.YTextEvent['delta']): number {
  let index = 0;
  let result = position;
  for (const op of delta) {
    if (op.retain !== undefined) index += op.retain;
    else if (typeof op.insert === 'string') {
      if (index <= position) result += op.insert.length;
      index += op.insert.length;
    } else if (op.delete !== undefined) {
      if (index < position) result -= Math.min(op.delete, position - index);
    }
  }
  return Math.max(0, result);
}

export interface SharedTextareaProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'defaultValue' | 'onChange'> {
  /** The shared text; null (disabled) until the room exists. */
  text: Y.Text | null;
}

/**
 * A plain textarea bound two-way to a Y.Text: local typing becomes small Yjs edits, remote edits
 * update the box without moving the local caret. Uncontrolled on purpose: React re-rendering the
 * value on every remote keystroke would reset the selection.
 */
export function SharedTextarea({ text, ...props }: SharedTextareaProps) {
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const element = ref.current;
    if (!element || !text) return;
    element.value = text.toString();
    const onChange = (event: Y.YTextEvent) => {
      if (event.transaction.origin === LOCAL_ORIGIN) return;
      const focused = document.activeElement === element;
      const start = transformPosition(element.selectionStart, event.delta);
      const end = transformPosition(element.selectionEnd, event.delta);
      element.value = text.toString();
      if (focused) element.setSelectionRange(start, end);
    };
    const onInput = () => applyDiff(text, text.toString(), element.value);
    text.observe(onChange);
    element.addEventListener('input', onInput);
    return () => {
      text.unobserve(onChange);
      element.removeEventListener('input', onInput);
    };
  }, [text]);

  return <textarea ref={ref} {...props} disabled={props.disabled || !text} />;
}
