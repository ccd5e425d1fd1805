'use client';

import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import styles from './pane-splitter.module.css';

export interface PaneSplitterProps {
  /** The pane this separator sizes (its id): the one after it, whose width is `size`. */
  controls: string;
  label: string;
  /** The sized pane's width in px; null while it has its default (CSS) width. */
  size: number | null;
  /** Called with the new width, already kept within the limits below. */
  onResize(size: number): void;
  /** The narrowest the sized pane may be, and the narrowest the pane before it may be. */
  minSize: number;
  minOther: number;
}

/** Arrow keys move the separator by this much; with Shift, four times as far. */
const STEP_PX = 32;

/**
 * A vertical separator between two panes that the user drags or moves with the keyboard (WAI-ARIA
 * window splitter: role="separator", focusable, arrow keys, Home/End). Its value is the first
 * pane's share of the row in percent, what a screen reader announces.
 */
export function PaneSplitter({ controls, label, size, onResize, minSize, minOther }: PaneSplitterProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [measured, setMeasured] = useState<{ row: number; pane: number } | null>(null);

  // The row and the pane are measured: the default width is CSS's, and the window may resize.
  useEffect(() => {
    const row = ref.current?.parentElement;
    const pane = document.getElementById(controls);
    if (!row || !pane) return;
    const measure = () => setMeasured({ row: row.clientWidth, pane: pane.offsetWidth });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(row);
    observer.observe(pane);
    return () => observer.disconnect();
  }, [controls]);

  const separatorWidth = ref.current?.offsetWidth ?? 0;
  const rowWidth = measured?.row ?? 0;
  const maxSize = Math.max(minSize, rowWidth - separatorWidth - minOther);
  const clamp = (value: number) => Math.round(Math.min(maxSize, Math.max(minSize, value)));
  const current = size ?? measured?.pane ?? minSize;
  const firstShare = rowWidth > 0 ? Math.round((100 * (rowWidth - separatorWidth - current)) / rowWidth) : 50;
  const minShare = rowWidth > 0 ? Math.round((100 * minOther) / rowWidth) : 0;
  const maxShare = rowWidth > 0 ? Math.round((100 * (rowWidth - separatorWidth - minSize)) / rowWidth) : 100;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? STEP_PX * 4 : STEP_PX;
    const next =
      event.key === 'ArrowLeft'
        ? current + step
        : event.key === 'ArrowRight'
          ? current - step
          : event.key === 'Home'
            ? maxSize
            : event.key === 'End'
              ? minSize
              : null;
    if (next === null) return;
    event.preventDefault();
    onResize(clamp(next));
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    event.currentTarget.focus();
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!event.currentTarget.hasPointerCapture(event.pointerId)) return;
    const row = event.currentTarget.parentElement?.getBoundingClientRect();
    if (!row) return;
    onResize(clamp(row.right - event.clientX - separatorWidth / 2));
  };

  return (
    <div
      ref={ref}
      className={styles.separator}
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-controls={controls}
      aria-valuenow={firstShare}
      aria-valuemin={minShare}
      aria-valuemax={maxShare}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
    />
  );
}
