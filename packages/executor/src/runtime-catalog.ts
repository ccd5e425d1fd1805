import { createRequire } from 'node:module';
import path from 'node:path';
import type { Env, StageLimits } from './config';
import type { ExtraBind } from './sandbox';
import { findNode, findTool, hostSearchDirs, placeTool, probe, toSemver } from './toolchain-probe';

/**
 * The languages we know how to run, with Piston's names and aliases. Each entry finds its
 * toolchain on the host and says how to compile and run a job inside the sandbox.
 */

export interface JobFiles {
  /** Box-relative path of the main file (the first utf8 file). */
  main: string;
  /** Box-relative paths of every file. */
  all: readonly string[];
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
}

export interface RuntimeDefinition {
  language: string;
  /** Piston's `runtime` field, for packages that provide several languages. */
  runtime?: string;
  detect(env: Env): Promise<Toolchain | undefined>;
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
): Promise<Toolchain | undefined> {
  const bin = await findTool(names);
  if (!bin) return undefined;
  const { stdout, stderr } = await probe(bin, versionArgs);
  const version = toSemver(stdout || stderr);
  if (!version) throw new Error(`cannot read the version of ${bin} from "${(stdout || stderr).trim()}"`);
  return { version, aliases: aliases(version), run: ({ files, args }) => [bin, ...flags, files.main, ...args] };
}

const python: RuntimeDefinition = {
  language: 'python',
  hello: { name: 'main.py', content: 'print("hello, world")\n' },
  detect: () =>
    simpleInterpreter(['python3'], ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], (v) => {
      const [major, minor] = v.split('.');
      return ['py', 'py3', 'python3', `python${major}.${minor}`];
    }),
};

/** Node for JavaScript and TypeScript jobs: a system one, else nvm's, fnm's or the server's own, bound at /opt/node. */
async function nodeBinary(env: Env): Promise<{ bin: string; version: string; binds: ExtraBind[] } | undefined> {
  const real = await findNode({ env, execPath: process.execPath });
  if (!real) return undefined;
  const version = toSemver((await probe(real, ['--version'])).stdout);
  if (!version) throw new Error(`cannot read the version of ${real}`);
  const placed = placeTool(real, '/opt/node');
  return { bin: placed.bin, version, binds: placed.bind ? [placed.bind] : [] };
}

const javascript: RuntimeDefinition = {
  language: 'javascript',
  runtime: 'node',
  hello: { name: 'main.js', content: 'console.log("hello, world");\n' },
  async detect(env) {
    const node = await nodeBinary(env);
    if (!node) return undefined;
    return {
      version: node.version,
      aliases: ['node-javascript', 'node-js', 'javascript', 'js'],
      binds: node.binds,
      run: ({ files, args }) => [node.bin, files.main, ...args],
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
        compile: ({ files }) => {
          const sources = byExtension(files, isC ? ['.c'] : ['.cpp', '.cc', '.cxx', '.c++', '.C']);
          const std = isC ? '-std=gnu17' : '-std=gnu++17';
          return [bin, std, '-O2', '-o', 'a.out', '-x', isC ? 'c' : 'c++', ...sources, '-x', 'none', '-lm'];
        },
        run: ({ args }) => ['./a.out', ...args],
      };
    },
  };
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
      // The main file was renamed after the class it declares, so its name is the class.
      run: ({ files, args, limits }) => [
        javaBin,
        ...jvmFlags,
        `-XX:MaxRAM=${limits.memoryLimit}`,
        '-cp',
        '.',
        mainClassOf(files.main),
        ...args,
      ],
    };
  },
};

function mainClassOf(main: string): string {
  return path.extname(main) === '.java' ? path.basename(main, '.java') : 'Main';
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
    return {
      version,
      aliases: ['go', 'golang'],
      binds: inUsr ? [] : [{ source: goroot, target: root }],
      env: { GOROOT: root, GOCACHE: '/tmp/go-cache', GOPATH: '/tmp/go', GO111MODULE: 'off', CGO_ENABLED: '0' },
      compile: ({ files }) => [`${root}/bin/go`, 'build', '-o', 'a.out', ...byExtension(files, ['.go'])],
      run: ({ args }) => ['./a.out', ...args],
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
];
