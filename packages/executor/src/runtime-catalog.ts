import { createRequire } from 'node:module';
import path from 'node:path';
import type { Env, StageLimits } from './config';
import { BOX } from './bwrap-args';
import type { PostgresServer } from './postgres-server';
import type { ExtraBind } from './sandbox';
import { findNode, findTool, hostSearchDirs, placeTool, probe, toSemver } from './toolchain-probe';

/**
 * The languages we know how to run, with Piston's names and aliases. Each entry finds its
 * toolchain on the host and says how to compile and run a job inside the sandbox.
 */

export interface JobFiles {
  /** Box-relative path of the main file (the first utf8 file): the entry. */
  main: string;
  /** Box-relative paths of every file, in the request's order (generated ones last). */
  all: readonly string[];
  /** The main file's text (Java reads its package and class from it). */
  mainSource: string;
}

export interface CommandContext {
  files: JobFiles;
  args: readonly string[];
  limits: StageLimits;
}

export interface Toolchain {
  version: string;
  aliases: string[];
  binds?: ExtraBind[];
  env?: Record<string, string>;
  /** argv of the compile stage; 'typescript' means the in-process TypeScript transpiler. */
  compile?: ((ctx: CommandContext) => string[]) | 'typescript';
  run(ctx: CommandContext): string[];
  /** Where the compiled program's main file is when it differs from the source's. */
  compiledMain?: (main: string) => string;
  /** Java wants a file named after its public class; renames are decided here. */
  rename?: (name: string, content: string) => string;
  /** See StageLimits.dataFloor. */
  dataFloor?: number;
  /**
   * Something each run stage needs outside the box for its duration (SQL on PostgreSQL: its own
   * database and role): its environment and read-only binds, and `end()` once the stage is over.
   */
  runSession?: (limits: StageLimits) => Promise<{ env: Record<string, string>; binds: ExtraBind[]; end(): Promise<void> }>;
  /** Files the layout needs that the request did not send (Go's go.mod), added to the box. */
  generatedFiles?: (files: Omit<JobFiles, 'mainSource'>) => { name: string; content: string }[];
}

/** What the executor lends runtimes that need a service of their own (asked for at detection only). */
export interface RuntimeHost {
  /** The executor's PostgreSQL server, started on first ask (undefined when EXECUTOR_POSTGRES is off). */
  postgres?: () => Promise<PostgresServer>;
}

export interface RuntimeDefinition {
  language: string;
  /** Piston's `runtime` field, for packages that provide several languages. */
  runtime?: string;
  detect(env: Env, host: RuntimeHost): Promise<Toolchain | undefined>;
  /** A program that prints exactly "hello, world" (the start-up self-test). */
  hello: { name: string; content: string };
}

const byExtension = (files: JobFiles, extensions: readonly string[]) => {
  const matching = files.all.filter((file) => extensions.includes(path.extname(file)));
  return matching.length > 0 ? matching : [files.main];
};

async function simpleInterpreter(
  names: readonly string[],
  versionArgs: readonly string[],
  aliases: (version: string) => string[],
  flags: readonly string[] = [],
  env?: Record<string, string>,
): Promise<Toolchain | undefined> {
  const bin = await findTool(names);
  if (!bin) return undefined;
  const { stdout, stderr } = await probe(bin, versionArgs);
  const version = toSemver(stdout || stderr);
  if (!version) throw new Error(`cannot read the version of ${bin} from "${(stdout || stderr).trim()}"`);
  return { version, aliases: aliases(version), ...(env ? { env } : {}), run: ({ files, args }) => [bin, ...flags, files.main, ...args] };
}

const python: RuntimeDefinition = {
  language: 'python',
  hello: { name: 'main.py', content: 'print("hello, world")\n' },
  // Python puts the entry's folder on sys.path; the box's root too, so that an entry in a
  // folder (src/app/main.py) still imports the workspace's top-level packages.
  detect: () =>
    simpleInterpreter(
      ['python3'],
      ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'],
      (v) => {
        const [major, minor] = v.split('.');
        return ['py', 'py3', 'python3', `python${major}.${minor}`];
      },
      [],
      { PYTHONPATH: BOX, PYTHONDONTWRITEBYTECODE: '1' },
    ),
};

/**
 * Node 24's V8 reserves its code space in the data segment at start: below about 640 MiB of
 * RLIMIT_DATA it dies before running a line ("Failed to reserve virtual memory for CodeRange";
 * Node 20 starts under 256 MiB). Only the rlimit fallback (no writable cgroups) sets RLIMIT_DATA,
 * so there Node's floor is this; with cgroups the memory limit is the cgroup's, unchanged.
 */
const NODE_DATA_FLOOR = 768 * 1024 * 1024;

/** Node for JavaScript and TypeScript jobs: a system one, else nvm's, fnm's or the server's own, bound at /opt/node. */
async function nodeBinary(env: Env): Promise<{ bin: string; real: string; version: string; binds: ExtraBind[] } | undefined> {
  const real = await findNode({ env, execPath: process.execPath });
  if (!real) return undefined;
  const version = toSemver((await probe(real, ['--version'])).stdout);
  if (!version) throw new Error(`cannot read the version of ${real}`);
  const placed = placeTool(real, '/opt/node');
  return { bin: placed.bin, real, version, binds: placed.bind ? [placed.bind] : [] };
}

/**
 * A workspace's .js files may be ES modules (import/export) or CommonJS (require): Node 22.7+
 * tells them apart by their syntax on its own; Node 20.10-22.6 does with this flag (asked once
 * at detection, since an unknown flag stops Node). `.mjs`/`.cjs` and a package.json "type"
 * decide as usual.
 */
async function esmDetectionFlags(node: string): Promise<string[]> {
  const flags = ['--experimental-detect-module', '--disable-warning=ExperimentalWarning'];
  return probe(node, [...flags, '-e', '0']).then(
    () => flags,
    () => [],
  );
}

const javascript: RuntimeDefinition = {
  language: 'javascript',
  runtime: 'node',
  hello: { name: 'main.js', content: 'console.log("hello, world");\n' },
  async detect(env) {
    const node = await nodeBinary(env);
    if (!node) return undefined;
    const flags = await esmDetectionFlags(node.real);
    return {
      version: node.version,
      aliases: ['node-javascript', 'node-js', 'javascript', 'js'],
      binds: node.binds,
      dataFloor: NODE_DATA_FLOOR,
      run: ({ files, args }) => [node.bin, ...flags, files.main, ...args],
    };
  },
};

/** The project's own `typescript` package (resolved from here, so it works bundled too). */
export function typescriptPackage(): { path: string; version: string } | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkgPath = require.resolve('typescript/package.json');
    const pkg = require(pkgPath) as { version: string };
    return { path: require.resolve('typescript'), version: pkg.version };
  } catch {
    return undefined;
  }
}

export const toJsName = (file: string) => file.replace(/\.(ts|mts|cts|tsx)$/, '') + '.js';

const typescript: RuntimeDefinition = {
  language: 'typescript',
  hello: { name: 'main.ts', content: 'const greeting: string = "hello, world";\nconsole.log(greeting);\n' },
  async detect(env) {
    const node = await nodeBinary(env);
    const ts = typescriptPackage();
    if (!node || !ts) return undefined;
    return {
      version: ts.version,
      aliases: ['ts', 'node-ts', 'tsc', 'typescript5', 'ts5'],
      binds: node.binds,
      dataFloor: NODE_DATA_FLOOR,
      compile: 'typescript',
      compiledMain: toJsName,
      run: ({ files, args }) => [node.bin, toJsName(files.main), ...args],
    };
  },
};

function gccFamily(language: 'c' | 'c++'): RuntimeDefinition {
  const isC = language === 'c';
  return {
    language,
    runtime: 'gcc',
    hello: isC
      ? { name: 'main.c', content: '#include <stdio.h>\nint main(void) { puts("hello, world"); return 0; }\n' }
      : { name: 'main.cpp', content: '#include <iostream>\nint main() { std::cout << "hello, world" << std::endl; }\n' },
    async detect() {
      const bin = await findTool([isC ? 'gcc' : 'g++']);
      if (!bin) return undefined;
      const version = toSemver((await probe(bin, ['-dumpfullversion'])).stdout);
      if (!version) throw new Error(`cannot read the version of ${bin}`);
      return {
        version,
        aliases: isC ? ['gcc'] : ['cpp', 'g++'],
        // Every source is compiled and linked; a folder holding headers is on the include path
        // too, so `#include "util.h"` finds include/util.h as a project's build would.
        compile: ({ files }) => {
          const sources = byExtension(files, isC ? ['.c'] : ['.cpp', '.cc', '.cxx', '.c++', '.C']);
          const std = isC ? '-std=gnu17' : '-std=gnu++17';
          const includes = headerFolders(files).map((dir) => `-I${dir}`);
          return [bin, std, '-O2', ...includes, '-o', 'a.out', '-x', isC ? 'c' : 'c++', ...sources, '-x', 'none', '-lm'];
        },
        run: ({ args }) => ['./a.out', ...args],
      };
    },
  };
}

const HEADER_EXTENSIONS = ['.h', '.hh', '.hpp', '.hxx', '.h++', '.inc'];

/** The folders (other than the box's root, searched anyway) that hold a header, sorted. */
function headerFolders(files: JobFiles): string[] {
  const dirs = new Set<string>();
  for (const file of files.all) {
    const dir = path.posix.dirname(file);
    if (dir !== '.' && HEADER_EXTENSIONS.includes(path.extname(file))) dirs.add(dir);
  }
  return [...dirs].sort();
}

/** The class a Java file declares public (or, failing that, the first class). */
function javaClassName(content: string): string | undefined {
  const pub = /public\s+(?:final\s+|abstract\s+)*(?:class|interface|enum|record)\s+([A-Za-z_$][\w$]*)/.exec(content);
  const first = /(?:class|interface|enum|record)\s+([A-Za-z_$][\w$]*)/.exec(content);
  return pub?.[1] ?? first?.[1];
}

const java: RuntimeDefinition = {
  language: 'java',
  hello: {
    name: 'Main.java',
    content: 'public class Main {\n  public static void main(String[] args) {\n    System.out.println("hello, world");\n  }\n}\n',
  },
  async detect() {
    const javac = await findTool(['javac']);
    const javaBin = await findTool(['java']);
    if (!javac || !javaBin) return undefined;
    const { stdout, stderr } = await probe(javaBin, ['-version']);
    const match = /version "([^"]+)"/.exec(stderr + stdout);
    const version = match?.[1] ? toSemver(match[1]) : undefined;
    if (!version) throw new Error(`cannot read the version of ${javaBin}`);
    // Serial GC and one compiler tier keep the JVM's thread count and start-up time small.
    const jvmFlags = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto'];
    return {
      version,
      aliases: [],
      rename: (name, content) => {
        const cls = javaClassName(content);
        if (!cls || (path.extname(name) === '.java' && path.basename(name, '.java') === cls)) return name;
        return path.posix.join(path.posix.dirname(name), `${cls}.java`);
      },
      compile: ({ files, limits }) => [
        javac,
        ...jvmFlags.map((flag) => `-J${flag}`),
        `-J-XX:MaxRAM=${limits.memoryLimit}`,
        '-encoding',
        'UTF-8',
        '-d',
        '.',
        ...byExtension(files, ['.java']),
      ],
      // The main file was renamed after the class it declares, so its name (with its package) is the class.
      run: ({ files, args, limits }) => [
        javaBin,
        ...jvmFlags,
        `-XX:MaxRAM=${limits.memoryLimit}`,
        '-cp',
        '.',
        mainClassOf(files.main, files.mainSource),
        ...args,
      ],
    };
  },
};

/** The main file's class, qualified by its package (`com.acme.App`) when it declares one. */
function mainClassOf(main: string, source: string): string {
  const name = path.extname(main) === '.java' ? path.basename(main, '.java') : 'Main';
  const pkg = /^\s*package\s+([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*;/m.exec(stripJavaComments(source))?.[1];
  return pkg ? `${pkg.replace(/\s+/g, '')}.${name}` : name;
}

function stripJavaComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

const rust: RuntimeDefinition = {
  language: 'rust',
  hello: { name: 'main.rs', content: 'fn main() {\n    println!("hello, world");\n}\n' },
  async detect(env) {
    const proxy = await findTool(['rustc'], hostSearchDirs(env));
    if (!proxy) return undefined;
    // rustup's proxy needs HOME/RUSTUP_HOME to find the toolchain; ask it for the real sysroot
    // and run that rustc directly inside the sandbox.
    const probeEnv = { PATH: '/usr/bin:/bin', HOME: env.HOME, RUSTUP_HOME: env.RUSTUP_HOME, RUSTUP_TOOLCHAIN: env.RUSTUP_TOOLCHAIN };
    const sysroot = (await probe(proxy, ['--print', 'sysroot'], probeEnv)).stdout.trim();
    const version = toSemver((await probe(proxy, ['--version'], probeEnv)).stdout);
    if (!sysroot || !version) throw new Error(`cannot read the sysroot or version of ${proxy}`);
    const inUsr = sysroot === '/usr' || sysroot.startsWith('/usr/');
    const root = inUsr ? sysroot : '/opt/rust';
    return {
      version,
      aliases: ['rs'],
      binds: inUsr ? [] : [{ source: sysroot, target: root }],
      compile: ({ files }) => [`${root}/bin/rustc`, '--edition', '2021', '-C', 'opt-level=1', '-o', 'a.out', files.main],
      run: ({ args }) => ['./a.out', ...args],
    };
  },
};

const bash: RuntimeDefinition = {
  language: 'bash',
  hello: { name: 'main.sh', content: 'echo "hello, world"\n' },
  detect: () => simpleInterpreter(['bash'], ['-c', 'echo $BASH_VERSION'], () => ['sh']),
};

const perl: RuntimeDefinition = {
  language: 'perl',
  hello: { name: 'main.pl', content: 'print "hello, world\\n";\n' },
  detect: () => simpleInterpreter(['perl'], ['-e', 'print $^V'], () => ['pl']),
};

const ruby: RuntimeDefinition = {
  language: 'ruby',
  hello: { name: 'main.rb', content: 'puts "hello, world"\n' },
  detect: () => simpleInterpreter(['ruby'], ['-e', 'print RUBY_VERSION'], () => ['ruby3', 'rb']),
};

const php: RuntimeDefinition = {
  language: 'php',
  hello: { name: 'main.php', content: '<?php\necho "hello, world\\n";\n' },
  detect: () => simpleInterpreter(['php'], ['-r', 'echo PHP_VERSION;'], () => []),
};

const lua: RuntimeDefinition = {
  language: 'lua',
  hello: { name: 'main.lua', content: 'print("hello, world")\n' },
  detect: () => simpleInterpreter(['lua', 'lua5.4', 'lua5.3'], ['-v'], () => []),
};

/** The module path of a Go workspace sent without a go.mod: its packages import as "pairpad/<folder>". */
export const GO_DEFAULT_MODULE = 'pairpad';

const go: RuntimeDefinition = {
  language: 'go',
  hello: { name: 'main.go', content: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello, world")\n}\n' },
  async detect(env) {
    const bin = await findTool(['go'], hostSearchDirs(env, ['/usr/local/go/bin', '/usr/lib/go/bin']));
    if (!bin) return undefined;
    const goroot = (await probe(bin, ['env', 'GOROOT'], { PATH: '/usr/bin:/bin', HOME: env.HOME })).stdout.trim();
    const version = toSemver((await probe(bin, ['env', 'GOVERSION'], { PATH: '/usr/bin:/bin', HOME: env.HOME })).stdout);
    if (!goroot || !version) throw new Error(`cannot read GOROOT or the version of ${bin}`);
    const inUsr = goroot.startsWith('/usr/');
    const root = inUsr ? goroot : '/opt/go';
    const [major, minor] = version.split('.');
    return {
      version,
      aliases: ['go', 'golang'],
      binds: inUsr ? [] : [{ source: goroot, target: root }],
      env: { GOROOT: root, GOCACHE: '/tmp/go-cache', GOPATH: '/tmp/go', GO111MODULE: 'off', CGO_ENABLED: '0' },
      // Sources in several folders are packages of one module: the request's go.mod, or ours.
      generatedFiles: (files) =>
        goModuleMode(files) && !files.all.includes('go.mod')
          ? [{ name: 'go.mod', content: `module ${GO_DEFAULT_MODULE}\n\ngo ${major}.${minor}\n` }]
          : [],
      compile: ({ files }) => {
        if (!goModuleMode(files)) return [`${root}/bin/go`, 'build', '-o', 'a.out', ...byExtension(files, ['.go'])];
        // Module mode with no network: the standard library and the workspace's own packages only.
        const moduleEnv = ['GO111MODULE=on', 'GOFLAGS=-mod=mod', 'GOPROXY=off', 'GOSUMDB=off', 'GOTOOLCHAIN=local'];
        const entryDir = path.posix.dirname(files.main);
        return ['/usr/bin/env', ...moduleEnv, `${root}/bin/go`, 'build', '-o', 'a.out', entryDir === '.' ? '.' : `./${entryDir}`];
      },
      run: ({ args }) => ['./a.out', ...args],
    };
  },
};

/** A go.mod sent, or .go files in more than one folder: build as a module (else as the files listed, as always). */
function goModuleMode(files: Pick<JobFiles, 'all'>): boolean {
  if (files.all.includes('go.mod')) return true;
  const dirs = new Set(files.all.filter((file) => file.endsWith('.go')).map((file) => path.posix.dirname(file)));
  return dirs.size > 1;
}

/**
 * SQL on SQLite: a fresh database per run (the box is new for every stage). The request's other
 * `.sql` files run first, in the request's order (a question's schema and seed data), then the
 * entry; a `.db`/`.sqlite` file sent along is opened as the database instead of an empty one.
 * Result sets print as box-drawn tables (`.mode box`); `args` may pick another of sqlite3's
 * output modes (SQLITE_OUTPUT_MODES), anything else in `args` is ignored.
 */
export const SQLITE_OUTPUT_MODES = ['-box', '-table', '-markdown', '-json', '-csv', '-list', '-line', '-column', '-html'] as const;
const SQLITE_DATABASE_EXTENSIONS = ['.db', '.sqlite', '.sqlite3'];

const sqlite: RuntimeDefinition = {
  language: 'sqlite3',
  hello: { name: 'main.sql', content: ".mode list\n.headers off\nSELECT 'hello, world';\n" },
  async detect() {
    const bin = await findTool(['sqlite3']);
    if (!bin) return undefined;
    const version = toSemver((await probe(bin, ['--version'])).stdout);
    if (!version) throw new Error(`cannot read the version of ${bin}`);
    return {
      version,
      aliases: ['sqlite', 'sql'],
      run: ({ files, args }) => {
        const mode = args.filter((arg): arg is (typeof SQLITE_OUTPUT_MODES)[number] =>
          (SQLITE_OUTPUT_MODES as readonly string[]).includes(arg),
        );
        const others = files.all.filter((file) => file !== files.main);
        const database = others.find((file) => SQLITE_DATABASE_EXTENSIONS.includes(path.extname(file).toLowerCase()));
        const setup = others.filter((file) => path.extname(file).toLowerCase() === '.sql');
        const reads = [...setup, files.main].map((file) => `.read ${sqliteQuote(file)}`);
        return [bin, '-bail', '-batch', mode.at(-1) ?? '-box', database ?? ':memory:', ...reads];
      },
    };
  },
};

/** A dot-command argument as sqlite3's shell reads it: double-quoted, backslash and quote escaped. */
function sqliteQuote(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** psql's output options a request's `args` may pick (`-A -t`: plain `col|col` rows); the rest is ignored. */
export const PSQL_OUTPUT_OPTIONS = ['-A', '-t', '-x', '--csv', '--html'] as const;

/**
 * SQL on PostgreSQL: every run stage gets a database of its own, fresh from template0, and a role
 * that owns it and nothing else (postgres-server.ts); psql in the sandbox reaches the server
 * through its socket only. The other `.sql` files run first, in the request's order, then the
 * entry, in one session, stopping at the first error. Result sets print as psql's aligned tables.
 */
const postgresql: RuntimeDefinition = {
  language: 'postgresql',
  hello: { name: 'main.sql', content: "\\pset format unaligned\n\\pset tuples_only on\nSELECT 'hello, world';\n" },
  async detect(_env, host) {
    if (!host.postgres) return undefined;
    const server = await host.postgres();
    return {
      version: toSemver(server.version) ?? '0.0.0',
      aliases: ['postgres', 'psql', 'pgsql'],
      runSession: (limits) => server.createRunDatabase(limits.timeout),
      run: ({ files, args }) => {
        const options = args.filter((arg) => (PSQL_OUTPUT_OPTIONS as readonly string[]).includes(arg));
        const setup = files.all.filter((file) => file !== files.main && path.extname(file).toLowerCase() === '.sql');
        const reads = [...setup, files.main].flatMap((file) => ['-f', file]);
        return [server.psql, '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...options, ...reads];
      },
    };
  },
};

export const runtimeCatalog: readonly RuntimeDefinition[] = [
  javascript,
  typescript,
  python,
  gccFamily('c'),
  gccFamily('c++'),
  java,
  rust,
  bash,
  go,
  ruby,
  php,
  perl,
  lua,
  sqlite,
  postgresql,
];
