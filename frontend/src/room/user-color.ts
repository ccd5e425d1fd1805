/**
 * Cursor and avatar colors, distinct from each other. Each carries white text (the cursor's name
 * label, the avatar's initials) at WCAG AA (4.5:1 or more) and shows against the dark theme's
 * editor background at 3:1 or more, so one palette serves both themes.
 */
const PALETTE = ['#2563eb', '#db2777', '#047857', '#b45309', '#7c3aed', '#dc2626', '#0e7490', '#4d7c0f', '#c026d3', '#c2410c'] as const;

export interface UserColor {
  color: string;
  /** The same hue, translucent: remote selection background. */
  colorLight: string;
}

/** A stable color per name, so a user keeps their color across reloads. */
export function colorForName(name: string): UserColor {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  const color = PALETTE[hash % PALETTE.length] ?? PALETTE[0];
  return { color, colorLight: `${color}33` };
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0]?.slice(0, 2)];
  return (
    letters
      .map((word) => (word ? [...word][0] : ''))
      .join('')
      .toUpperCase() || '?'
  );
}
