/**
 * A number kept in this browser's localStorage (a pane's size): read once, written on change.
 * Storage can be absent or full (private windows, quotas): then the value lives for this page only.
 */
export function readStoredNumber(key: string): number | null {
  try {
    const raw = window.localStorage.getItem(key);
    if (raw === null) return null;
    const value = Number(raw);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

export function writeStoredNumber(key: string, value: number): void {
  try {
    window.localStorage.setItem(key, String(Math.round(value)));
  } catch {
    // Not stored: the size still applies until the page closes.
  }
}
