/**
 * The room's languages as data, without zod: the room page imports this module (through
 * `@pairpad/protocol/language-table`) so its first load carries no schema library. languages.ts
 * re-exports all of it beside the schemas.
 */
import { KEYWORDS } from './language-keywords';
import type { RuntimeEntry } from './languages';

/** CodeMirror language support the page loads for a language (frontend/src/lib/language-support.ts). */
export const EDITOR_MODES = ['python', 'javascript', 'typescript', 'cpp', 'java', 'rust', 'go', 'php', 'ruby', 'shell', 'sql'] as const;
export type EditorMode = (typeof EDITOR_MODES)[number];

/** highlight.js grammars the report and the playback register (frontend/src/lib/highlight.ts). */
export const HIGHLIGHT_GRAMMARS = [
  'python',
  'javascript',
  'typescript',
  'c',
  'cpp',
  'java',
  'rust',
  'go',
  'ruby',
  'php',
  'bash',
  'sql',
] as const;
export type HighlightGrammar = (typeof HIGHLIGHT_GRAMMARS)[number];

/** What the rooms need to know of a language: one record each. */
export interface LanguageRecord {
  /** Piston's language name, so the room's language goes to the executor unchanged. */
  readonly id: string;
  readonly label: string;
  /** The file a run sends the code as: compilers that go by extension (gcc, go, rustc) and class-per-file Java want a real name. */
  readonly fileName: string;
  readonly editor: EditorMode;
  readonly highlight: HighlightGrammar;
  /** Completions besides the document's own identifiers (language-keywords.ts). */
  readonly keywords: readonly string[];
  /** The code a new session opens with. */
  readonly starter: string;
  /** A SQL language: a run sends the room question's database (schema, seed) as setup files. */
  readonly sql?: true;
}

/** What the two SQL runtimes' pads share: the file, the highlighting, the starter. */
const SQL_PAD = {
  fileName: 'main.sql',
  editor: 'sql',
  highlight: 'sql',
  keywords: KEYWORDS.sql,
  sql: true,
  starter:
    "-- Each run starts from a fresh database (with the question's schema and data, if it has some).\nSELECT 'Hello, PairPad!' AS greeting;\n",
} as const;

/**
 * The room's languages, one record each. A new language is a record here; an editor mode or a
 * highlight grammar that is new adds a name above, and the compiler then lists the page's code
 * that must load it. The executor keeps its own catalogue (packages/executor/src/runtime-catalog.ts).
 */
export const LANGUAGES = [
  {
    id: 'python',
    label: 'Python',
    fileName: 'main.py',
    editor: 'python',
    highlight: 'python',
    keywords: KEYWORDS.python,
    starter: 'def main():\n    print("Hello, PairPad!")\n\n\nif __name__ == "__main__":\n    main()\n',
  },
  {
    id: 'javascript',
    label: 'JavaScript',
    fileName: 'main.js',
    editor: 'javascript',
    highlight: 'javascript',
    keywords: KEYWORDS.javascript,
    starter: 'function main() {\n  console.log("Hello, PairPad!");\n}\n\nmain();\n',
  },
  {
    id: 'typescript',
    label: 'TypeScript',
    fileName: 'main.ts',
    editor: 'typescript',
    highlight: 'typescript',
    keywords: KEYWORDS.typescript,
    starter: 'function main(): void {\n  console.log("Hello, PairPad!");\n}\n\nmain();\n',
  },
  {
    id: 'c',
    label: 'C',
    fileName: 'main.c',
    editor: 'cpp',
    highlight: 'c',
    keywords: KEYWORDS.c,
    starter: '#include <stdio.h>\n\nint main(void) {\n    printf("Hello, PairPad!\\n");\n    return 0;\n}\n',
  },
  {
    id: 'c++',
    label: 'C++',
    fileName: 'main.cpp',
    editor: 'cpp',
    highlight: 'cpp',
    keywords: KEYWORDS['c++'],
    starter: '#include <iostream>\n\nint main() {\n    std::cout << "Hello, PairPad!" << std::endl;\n    return 0;\n}\n',
  },
  {
    id: 'java',
    label: 'Java',
    fileName: 'Main.java',
    editor: 'java',
    highlight: 'java',
    keywords: KEYWORDS.java,
    starter:
      'public class Main {\n    public static void main(String[] args) {\n        System.out.println("Hello, PairPad!");\n    }\n}\n',
  },
  {
    id: 'rust',
    label: 'Rust',
    fileName: 'main.rs',
    editor: 'rust',
    highlight: 'rust',
    keywords: KEYWORDS.rust,
    starter: 'fn main() {\n    println!("Hello, PairPad!");\n}\n',
  },
  {
    id: 'go',
    label: 'Go',
    fileName: 'main.go',
    editor: 'go',
    highlight: 'go',
    keywords: KEYWORDS.go,
    starter: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("Hello, PairPad!")\n}\n',
  },
  {
    id: 'ruby',
    label: 'Ruby',
    fileName: 'main.rb',
    editor: 'ruby',
    highlight: 'ruby',
    keywords: KEYWORDS.ruby,
    starter: 'puts "Hello, PairPad!"\n',
  },
  {
    id: 'php',
    label: 'PHP',
    fileName: 'main.php',
    editor: 'php',
    highlight: 'php',
    keywords: KEYWORDS.php,
    starter: '<?php\necho "Hello, PairPad!\\n";\n',
  },
  {
    id: 'bash',
    label: 'Bash',
    fileName: 'main.sh',
    editor: 'shell',
    highlight: 'bash',
    keywords: KEYWORDS.bash,
    starter: 'echo "Hello, PairPad!"\n',
  },
  {
    // The executor's sqlite3 runtime: a fresh database per run, a question's schema and seed
    // data run first (sent as more .sql files), result sets printed as tables.
    id: 'sqlite3',
    label: 'SQL (SQLite)',
    ...SQL_PAD,
  },
  {
    // The executor's postgresql runtime (EXECUTOR_POSTGRES=on): a database and a role of its own
    // per run on the executor's PostgreSQL server, the question's schema and seed data first.
    id: 'postgresql',
    label: 'SQL (PostgreSQL)',
    ...SQL_PAD,
  },
] as const satisfies readonly LanguageRecord[];

export type LanguageId = (typeof LANGUAGES)[number]['id'];

/** The record of a room language. */
export function languageRecord(language: LanguageId): LanguageRecord {
  return LANGUAGES.find((entry) => entry.id === language)!;
}

/** The file name a run sends code under; a language the room does not know (REST runs may name any Piston language) gets Piston's neutral name. */
export function sourceFileName(language: string): string {
  return LANGUAGES.find((entry) => entry.id === language)?.fileName ?? 'main.code';
}

export const LANGUAGE_IDS = LANGUAGES.map((language) => language.id) as [LanguageId, ...LanguageId[]];

/** True when `value` names a room language (what LanguageIdSchema accepts), without zod. */
export function isLanguageId(value: unknown): value is LanguageId {
  return typeof value === 'string' && (LANGUAGE_IDS as readonly string[]).includes(value);
}

export const DEFAULT_LANGUAGE: LanguageId = 'python';

export function starterCode(language: LanguageId): string {
  return LANGUAGES.find((entry) => entry.id === language)?.starter ?? '';
}

export function languageLabel(language: string): string {
  return LANGUAGES.find((entry) => entry.id === language)?.label ?? language;
}

/** A room language and whether the executor can run it: what the language pickers show. */
export type LanguageAvailability =
  { id: LanguageId; label: string; available: true; version: string } | { id: LanguageId; label: string; available: false; reason: string };

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
    const best = matching.reduce<RuntimeEntry | undefined>(
      (top, runtime) => (!top || compareVersions(runtime.version, top.version) > 0 ? runtime : top),
      undefined,
    );
    return best ? { id, label, available: true, version: best.version } : { id, label, available: false, reason: NOT_INSTALLED_REASON };
  });
}

/** "Python 3.11.2", or "Go (not installed on this server)". */
export function languageOptionLabel(entry: LanguageAvailability): string {
  return entry.available ? `${entry.label} ${entry.version}` : `${entry.label} (${entry.reason})`;
}
