/** Joins class names, skipping the ones a condition left out: `cx(ui.button, primary && ui.primary)`. */
export function cx(...names: Array<string | false | null | undefined>): string {
  return names.filter(Boolean).join(' ');
}
