import { ViewPlugin, type EditorView } from '@codemirror/view';
import type { Extension } from '@codemirror/state';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

/** How long a remote cursor's name tag stays up after its owner types or moves. */
export const CURSOR_TAG_SHOWN_MS = 2500;
/** The class on a remote caret (y-codemirror.next's `.cm-ySelectionCaret`) while its name tag shows. */
export const ACTIVE_CARET_CLASS = 'cm-ySelectionCaret-active';

/**
 * Remote cursors' name tags on activity: when someone's cursor moves or they type, their tag shows
 * for a moment, then fades (globals.css); hovering the caret shows it too. A tag that is always up
 * covers the line above it. Typing is told from the document's updates (the author of an insert
 * is the client whose clock advanced): a cursor at the end of the text keeps the same position
 * while its owner types, so awareness alone would miss it.
 *
 * y-codemirror.next draws each caret as a widget keyed by its colour and gives no other handle, so
 * the caret is found by the colour in its inline style (colours are per name, lib/user-color.ts).
 */
export function remoteCursorActivity(text: Y.Text, awareness: Awareness): Extension {
  return ViewPlugin.define((view) => new CursorActivity(view, text, awareness));
}

class CursorActivity {
  /** Colour → until when its tag shows (ms since the epoch). */
  private readonly activeUntil = new Map<string, number>();
  private frame = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onChange: (changes: { added: number[]; updated: number[] }) => void;
  private readonly onTransaction: (transaction: Y.Transaction) => void;

  constructor(
    private readonly view: EditorView,
    private readonly text: Y.Text,
    private readonly awareness: Awareness,
  ) {
    // Awareness 'update' fires for every remote message (keepalives too); 'change' only when the
    // state differs: a moved cursor.
    this.onChange = ({ added, updated }) => this.markActive([...added, ...updated]);
    this.onTransaction = (transaction) => {
      if (transaction.local) return;
      const authors = [...transaction.afterState].filter(([client, clock]) => clock !== (transaction.beforeState.get(client) ?? 0));
      this.markActive(authors.map(([client]) => client));
    };
    awareness.on('change', this.onChange);
    text.doc?.on('afterTransaction', this.onTransaction);
  }

  private markActive(clientIds: number[]): void {
    const until = Date.now() + CURSOR_TAG_SHOWN_MS;
    for (const clientId of clientIds) {
      if (clientId === this.awareness.clientID) continue;
      const state = this.awareness.getStates().get(clientId) as { user?: { color?: unknown }; cursor?: unknown } | undefined;
      if (typeof state?.user?.color === 'string' && state.cursor) this.activeUntil.set(state.user.color, until);
    }
    this.schedule();
  }

  update(): void {
    // The carets may have been redrawn (another line, a new widget): mark them again.
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.apply();
    });
  }

  private apply(): void {
    const now = Date.now();
    let next = Infinity;
    for (const caret of this.view.contentDOM.querySelectorAll<HTMLElement>('.cm-ySelectionCaret')) {
      const style = caret.getAttribute('style') ?? '';
      let active = false;
      for (const [color, until] of this.activeUntil) {
        if (until > now && style.includes(color)) {
          active = true;
          next = Math.min(next, until);
        }
      }
      caret.classList.toggle(ACTIVE_CARET_CLASS, active);
    }
    clearTimeout(this.timer);
    if (next !== Infinity) this.timer = setTimeout(() => this.schedule(), next - now + 20);
  }

  destroy(): void {
    this.awareness.off('change', this.onChange);
    this.text.doc?.off('afterTransaction', this.onTransaction);
    cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
  }
}
