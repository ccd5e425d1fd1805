'use client';

import { useEffect, useRef } from 'react';
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import type { ConsoleEntry } from '@pairpad/protocol';
import type { ConsoleStore } from '@/room/console-store';
import styles from './console-terminal.module.css';

/** Lines the terminal keeps: output is capped by the server too, this bounds the page's memory. */
const SCROLLBACK = 5000;

const RED = '\x1b[31m';
const CYAN = '\x1b[36m';
const DIM = '\x1b[2m';
const RESET_COLOR = '\x1b[39m';
const RESET_DIM = '\x1b[22m';

/** One transcript entry as terminal text: stderr red, typed lines cyan with who typed them. */
export function entryText(entry: ConsoleEntry): string {
  switch (entry.kind) {
    case 'stdout':
      return entry.text;
    case 'stderr':
      return `${RED}${entry.text}${RESET_COLOR}`;
    case 'stdin': {
      const line = entry.text.replace(/\n$/, '');
      return `${CYAN}${line}${RESET_COLOR}${DIM}  ← ${entry.name ?? ''}${RESET_DIM}\n`;
    }
    case 'eof':
      return `${DIM}^D end of input (${entry.name ?? ''})${RESET_DIM}\n`;
    case 'signal':
      return `${DIM}${entry.text === 'SIGINT' ? '^C' : '■ Stop'} by ${entry.name ?? ''}${RESET_DIM}\n`;
  }
}

/** The console colours from the theme's custom properties (theme.css, light and dark). */
function themeFrom(element: HTMLElement): ITheme {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    background: read('--console-bg', '#f6f7f9'),
    foreground: read('--console-fg', '#1b1f29'),
    cursor: read('--console-cursor', '#1b1f29'),
    selectionBackground: read('--console-selection', '#cdd8ff'),
    // stderr and typed lines are written in ANSI red and cyan: map them to the theme's words.
    red: read('--console-bad', '#c02424'),
    cyan: read('--console-info', '#3651c9'),
  };
}

export interface ConsoleTerminalProps {
  jobId: string;
  consoles: ConsoleStore;
  /** Clicking the terminal puts the caret in the console's input line. */
  onFocusRequest?: () => void;
}

/**
 * xterm.js showing one run's transcript, written as it arrives (ANSI colours, carriage returns
 * and long outputs behave as in a terminal). Loaded lazily: xterm stays out of the room's first load.
 */
export default function ConsoleTerminal({ jobId, consoles, onFocusRequest }: ConsoleTerminalProps) {
  const host = useRef<HTMLDivElement>(null);
  const focus = useRef(onFocusRequest);
  focus.current = onFocusRequest;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const terminal = new Terminal({
      convertEol: true,
      disableStdin: true,
      scrollback: SCROLLBACK,
      fontFamily: getComputedStyle(element).getPropertyValue('--font-mono').trim() || 'monospace',
      // 12 px: an 80-column traceback fits the side area's default width beside a wider editor (room-view.module.css).
      fontSize: 12,
      cursorBlink: false,
      cursorStyle: 'bar',
      cursorInactiveStyle: 'none',
      theme: themeFrom(element),
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(element);
    const refit = () => {
      try {
        fit.fit();
      } catch {
        // not laid out yet
      }
    };
    refit();
    const resize = new ResizeObserver(refit);
    resize.observe(element);
    // A theme toggle changes the custom properties on <html>: follow it.
    const themeWatch = new MutationObserver(() => (terminal.options.theme = themeFrom(element)));
    themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'data-theme', 'style'] });

    // Straight to xterm: it queues writes, parses them in time-sliced chunks and renders once per
    // frame, so a flood stays responsive and an echo shows on the next frame. (The server already
    // merges output into at most one message per 40 ms.)
    const write = (entries: readonly ConsoleEntry[], reset: boolean) => {
      if (reset) terminal.reset();
      let text = '';
      for (const entry of entries) text += entryText(entry);
      if (text) terminal.write(text);
    };
    write(consoles.entries(jobId), false);
    const unsubscribe = consoles.subscribe(jobId, write);
    const onClick = () => focus.current?.();
    element.addEventListener('click', onClick);
    return () => {
      unsubscribe();
      element.removeEventListener('click', onClick);
      resize.disconnect();
      themeWatch.disconnect();
      terminal.dispose();
    };
  }, [jobId, consoles]);

  return <div ref={host} className={styles.terminal} data-testid="console-terminal" role="log" aria-label="Console" />;
}
