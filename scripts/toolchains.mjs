// The toolchains setup installs for each language PairPad can run, and which of them a given
// PAIRPAD_LANGUAGES value asks for. Plain Node, no deps: setup runs before `npm install`.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the executor looks for system toolchains (packages/executor/src/toolchain-probe.ts). */
const SYSTEM_BIN_DIRS = ['/usr/local/bin', '/usr/bin', '/bin'];

/**
 * Language → Debian packages and what proves them installed. `commands` are looked up where the
 * executor looks (system dirs, plus `userDirs` for toolchains that live in a home directory);
 * `files` must exist too (a C compiler is no use without libc's headers).
 * JavaScript and TypeScript need only Node, which is running this script, and the project's own
 * `typescript` package (an npm dependency), so they install nothing.
 */
export const TOOLCHAINS = [
  { language: 'python', label: 'Python', packages: ['python3'], commands: ['python3'] },
  { language: 'javascript', label: 'JavaScript', packages: [], commands: [] },
  { language: 'typescript', label: 'TypeScript', packages: [], commands: [] },
  { language: 'c', label: 'C', packages: ['gcc', 'libc6-dev'], commands: ['gcc'], files: ['/usr/include/stdio.h'] },
  { language: 'c++', label: 'C++', packages: ['g++', 'libc6-dev'], commands: ['g++'], files: ['/usr/include/stdio.h'] },
  // default-jdk-headless is OpenJDK 17 on Debian 12 and the release's own JDK elsewhere (21 on Ubuntu 24.04, Debian 13).
  { language: 'java', label: 'Java', packages: ['default-jdk-headless'], commands: ['javac', 'java'] },
  { language: 'bash', label: 'Bash', packages: ['bash'], commands: ['bash'] },
  { language: 'rust', label: 'Rust', packages: ['rustc'], commands: ['rustc'], userDirs: ['.cargo/bin'] },
  { language: 'go', label: 'Go', packages: ['golang-go'], commands: ['go'], extraDirs: ['/usr/local/go/bin', '/usr/lib/go/bin'] },
  { language: 'ruby', label: 'Ruby', packages: ['ruby'], commands: ['ruby'] },
  { language: 'php', label: 'PHP', packages: ['php-cli'], commands: ['php'] },
  // Not in the room's language list yet, but the executor offers them (Piston-compatible API).
  { language: 'perl', label: 'Perl', packages: ['perl'], commands: ['perl'] },
  { language: 'lua', label: 'Lua', packages: ['lua5.4'], commands: ['lua', 'lua5.4', 'lua5.3'], any: true },
  // SQL pads: the sqlite3 command-line shell (about 1 MB), so it is in the default set.
  { language: 'sqlite3', label: 'SQL (SQLite)', packages: ['sqlite3'], commands: ['sqlite3'] },
  // The executor starts a server of its own from Debian's server binaries (/usr/lib/postgresql/<major>/bin,
  // off PATH); pg_ctlcluster comes with them. Offered only with EXECUTOR_POSTGRES=on.
  { language: 'postgresql', label: 'SQL (PostgreSQL)', packages: ['postgresql'], commands: ['pg_ctlcluster'] },
];

/** What `npm start` installs when PAIRPAD_LANGUAGES is not set. */
export const DEFAULT_LANGUAGES = ['python', 'javascript', 'typescript', 'c', 'c++', 'java', 'bash', 'sqlite3'];

const ALIASES = {
  py: 'python',
  js: 'javascript',
  node: 'javascript',
  ts: 'typescript',
  cpp: 'c++',
  'g++': 'c++',
  golang: 'go',
  rs: 'rust',
  sh: 'bash',
  rb: 'ruby',
  sqlite: 'sqlite3',
  sql: 'sqlite3',
  postgres: 'postgresql',
  pgsql: 'postgresql',
};

/**
 * Parses PAIRPAD_LANGUAGES: unset or "default" → the default set; "all" → every toolchain;
 * "none" → nothing; otherwise a comma list of languages (aliases and "default" allowed).
 * Unknown names are returned separately so the caller can say so.
 */
export function selectLanguages(spec) {
  const raw = (spec ?? '').trim().toLowerCase();
  const words = raw === '' ? ['default'] : raw.split(/[\s,]+/).filter(Boolean);
  const wanted = new Set();
  const unknown = [];
  for (const word of words) {
    if (word === 'none') continue;
    if (word === 'all') TOOLCHAINS.forEach((entry) => wanted.add(entry.language));
    else if (word === 'default') DEFAULT_LANGUAGES.forEach((language) => wanted.add(language));
    else {
      const language = ALIASES[word] ?? word;
      if (TOOLCHAINS.some((entry) => entry.language === language)) wanted.add(language);
      else unknown.push(word);
    }
  }
  return { languages: TOOLCHAINS.filter((entry) => wanted.has(entry.language)).map((entry) => entry.language), unknown };
}

function isExecutable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** True when the executor would find this language's toolchain on this machine. */
export function toolchainPresent(entry, { home = homedir(), pathEnv = process.env.PATH ?? '' } = {}) {
  const dirs = [...SYSTEM_BIN_DIRS, ...(entry.extraDirs ?? []), ...(entry.userDirs ?? []).map((dir) => join(home, dir))];
  // Toolchains that may live in a home directory (rustup) are also found through PATH, as the executor does.
  if (entry.userDirs) dirs.push(...pathEnv.split(':').filter((dir) => dir.startsWith('/')));
  const found = (command) => dirs.some((dir) => isExecutable(join(dir, command)));
  const commandsOk = entry.any ? entry.commands.length === 0 || entry.commands.some(found) : entry.commands.every(found);
  return commandsOk && (entry.files ?? []).every((file) => existsSync(file));
}

/** Debian packages still needed for the given languages (deduplicated, in table order). */
export function missingToolchains(languages, options) {
  const missing = TOOLCHAINS.filter((entry) => languages.includes(entry.language) && !toolchainPresent(entry, options));
  return { entries: missing, packages: [...new Set(missing.flatMap((entry) => entry.packages))] };
}

// `node scripts/toolchains.mjs packages [spec]` prints the Debian packages of a language set
// (default: all), e.g. for a Dockerfile's apt-get line.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href && process.argv[2] === 'packages') {
  const { languages, unknown } = selectLanguages(process.argv[3] ?? 'all');
  if (unknown.length > 0) {
    console.error(`unknown language: ${unknown.join(', ')}`);
    process.exit(2);
  }
  console.log([...new Set(TOOLCHAINS.filter((entry) => languages.includes(entry.language)).flatMap((entry) => entry.packages))].join(' '));
}
