import { ViewPlugin, type EditorView } from '@codemirror/view';
import type { Extension } from '@codemirror/state';
import type { Awareness } from 'y-protocols/awareness';

/** How long a remote cursor's name tag stays up after its owner types or moves. */
export const CURSOR_TAG_SHOWN_MS = 2500;
/** The class on a remote caret (y-codemirror.next's `.cm-ySelectionCaret`) while its name tag shows. */
export const ACTIVE_CARET_CLASS = 'cm-ySelectionCaret-active';

/**
 * Remote cursors' name tags on activity: when someone's cursor moves or they type, their tag shows
 * for a moment, then fades (globals.css); hovering the caret shows it too. A tag that is always up
 * covers the line above it.
 *
 * y-codemirror.next draws each caret as a widget keyed by its colour and gives no other handle, so
 * the caret is found by the colour in its inline style (colours are per name, lib/user-color.ts).
 */
export function remoteCursorActivity(awareness: Awareness): Extension {
  return ViewPlugin.define((view) => new CursorActivity(view, awareness));
}

class CursorActivity {
  /** Colour → until when its tag shows (ms since the epoch). */
  private readonly activeUntil = new Map<string, number>();
  private frame = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onChange: (changes: { added: number[]; updated: number[] }) => void;

  constructor(
    private readonly view: EditorView,
    private readonly awareness: Awareness,
  ) {
    this.onChange = ({ added, updated }) => {
      const now = Date.now();
      for (const clientId of [...added, ...updated]) {
        if (clientId === awareness.clientID) continue;
        const state = awareness.getStates().get(clientId) as { user?: { color?: unknown }; cursor?: unknown } | undefined;
        if (typeof state?.user?.color === 'string' && state.cursor) this.activeUntil.set(state.user.color, now + CURSOR_TAG_SHOWN_MS);
      }
      this.schedule();
    };
    // Awareness 'update' fires for every remote message (a moved cursor, a typed character's keepalive);
    // 'change' only when the state differs, which is what activity is.
    awareness.on('change', this.onChange);
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
    cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
  }
}
