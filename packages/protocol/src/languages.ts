import { z } from 'zod';

/**
 * Languages the room can be set to. Ids are Piston's language names, so the room's language
 * goes to the executor unchanged. `starter` is the code a new session opens with.
 */
export const LANGUAGES = [
  { id: 'python', label: 'Python', starter: 'def main():\n    print("Hello, PairPad!")\n\n\nif __name__ == "__main__":\n    main()\n' },
  { id: 'javascript', label: 'JavaScript', starter: 'function main() {\n  console.log("Hello, PairPad!");\n}\n\nmain();\n' },
  { id: 'typescript', label: 'TypeScript', starter: 'function main(): void {\n  console.log("Hello, PairPad!");\n}\n\nmain();\n' },
  { id: 'c', label: 'C', starter: '#include <stdio.h>\n\nint main(void) {\n    printf("Hello, PairPad!\\n");\n    return 0;\n}\n' },
  { id: 'c++', label: 'C++', starter: '#include <iostream>\n\nint main() {\n    std::cout << "Hello, PairPad!" << std::endl;\n    return 0;\n}\n' },
  { id: 'java', label: 'Java', starter: 'public class Main {\n    public static void main(String[] args) {\n        System.out.println("Hello, PairPad!");\n    }\n}\n' },
  { id: 'rust', label: 'Rust', starter: 'fn main() {\n    println!("Hello, PairPad!");\n}\n' },
  { id: 'go', label: 'Go', starter: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("Hello, PairPad!")\n}\n' },
  { id: 'ruby', label: 'Ruby', starter: 'puts "Hello, PairPad!"\n' },
  { id: 'php', label: 'PHP', starter: '<?php\necho "Hello, PairPad!\\n";\n' },
  { id: 'bash', label: 'Bash', starter: 'echo "Hello, PairPad!"\n' },
] as const;

export type LanguageId = (typeof LANGUAGES)[number]['id'];

export const LANGUAGE_IDS = LANGUAGES.map((language) => language.id) as [LanguageId, ...LanguageId[]];

export const LanguageIdSchema = z.enum(LANGUAGE_IDS, {
  error: () => `must be one of: ${LANGUAGE_IDS.join(', ')}`,
});

export const DEFAULT_LANGUAGE: LanguageId = 'python';

export function starterCode(language: LanguageId): string {
  return LANGUAGES.find((entry) => entry.id === language)?.starter ?? '';
}

export function languageLabel(language: string): string {
  return LANGUAGES.find((entry) => entry.id === language)?.label ?? language;
}

/** One entry of `GET /api/runtimes` (Piston's runtime shape), as far as the language list needs it. */
export const RuntimeEntrySchema = z.object({
  language: z.string(),
  version: z.string(),
  aliases: z.array(z.string()).optional(),
  runtime: z.string().optional(),
});
export type RuntimeEntry = z.infer<typeof RuntimeEntrySchema>;

/** The body of `GET /api/runtimes`. */
export const RuntimeListSchema = z.array(RuntimeEntrySchema);

/** A room language and whether the executor can run it: what the language pickers show. */
export type LanguageAvailability =
  | { id: LanguageId; label: string; available: true; version: string }
  | { id: LanguageId; label: string; available: false; reason: string };

/** Why a known language is not offered (shown next to it in the pickers). */
export const NOT_INSTALLED_REASON = 'not installed on this server';

/** Compares dotted versions numerically ("1.10.0" > "1.9.3"); a missing part counts as 0. */
function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[.+-]/).map((part) => Number.parseInt(part, 10));
  const [left, right] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const x = left[i] ?? 0;
    const y = right[i] ?? 0;
    if (Number.isNaN(x) || Number.isNaN(y)) return a.localeCompare(b);
    if (x !== y) return x - y;
  }
  return 0;
}

/**
 * Maps the executor's runtimes onto the room's languages, in the room's order. A language is
 * available when some runtime names it as its language or an alias (Piston's rule); its version
 * is the highest one, the one a run with version "*" gets.
 */
export function languagesFromRuntimes(runtimes: readonly RuntimeEntry[]): LanguageAvailability[] {
  return LANGUAGES.map(({ id, label }) => {
    const matching = runtimes.filter((runtime) => runtime.language === id || (runtime.aliases ?? []).includes(id));
    const best = matching.reduce<RuntimeEntry | undefined>((top, runtime) => (!top || compareVersions(runtime.version, top.version) > 0 ? runtime : top), undefined);
    return best ? { id, label, available: true, version: best.version } : { id, label, available: false, reason: NOT_INSTALLED_REASON };
  });
}

/** "Python 3.11.2", or "Go (not installed on this server)". */
export function languageOptionLabel(entry: LanguageAvailability): string {
  return entry.available ? `${entry.label} ${entry.version}` : `${entry.label} (${entry.reason})`;
}
