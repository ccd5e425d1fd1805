import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestExecutor, type ExecuteBody, type TestExecutor } from './helpers';

/**
 * Every runtime through the real sandbox: hello world, stdin + args echo, a non-zero exit (RE),
 * death by a signal (SG), and a compile error for compiled languages. All requests are sent at
 * once in `before` (the executor's queue paces them) and each `it` checks one answer.
 */

interface Programs {
  file: string;
  hello: string;
  /** Prints args joined by "," then "|" then all of stdin. */
  echo: string;
  exit3: string;
  signal: string;
  expectedSignal: string;
  compileError?: string;
}

const cEcho = `#include <stdio.h>
int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) { if (i > 1) putchar(','); fputs(argv[i], stdout); }
  putchar('|');
  int c; while ((c = getchar()) != EOF) putchar(c);
  putchar('\\n');
  return 0;
}
`;

const programs: Record<string, Programs> = {
  javascript: {
    file: 'main.js',
    hello: 'console.log("hello, world")',
    echo: 'const fs = require("fs"); console.log(process.argv.slice(2).join(",") + "|" + fs.readFileSync(0, "utf8"))',
    exit3: 'process.exit(3)',
    signal: 'process.kill(process.pid, "SIGKILL")',
    expectedSignal: 'SIGKILL',
  },
  typescript: {
    file: 'main.ts',
    hello: 'const s: string = "hello, world";\nconsole.log(s);',
    echo: 'import * as fs from "fs";\nconst a: string[] = process.argv.slice(2);\nconsole.log(a.join(",") + "|" + fs.readFileSync(0, "utf8"));',
    exit3: 'process.exit(3 as number);',
    signal: 'process.kill(process.pid, "SIGKILL");',
    expectedSignal: 'SIGKILL',
    compileError: 'let x: number = ;\nconsole.log(x',
  },
  python: {
    file: 'main.py',
    hello: 'print("hello, world")',
    echo: 'import sys\nprint(",".join(sys.argv[1:]) + "|" + sys.stdin.read())',
    exit3: 'import sys\nsys.exit(3)',
    signal: 'import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)',
    expectedSignal: 'SIGSEGV',
  },
  c: {
    file: 'main.c',
    hello: '#include <stdio.h>\nint main(void) { puts("hello, world"); return 0; }',
    echo: cEcho,
    exit3: 'int main(void) { return 3; }',
    signal: 'int main(void) { *(volatile int *)0 = 1; return 0; }',
    expectedSignal: 'SIGSEGV',
    compileError: 'int main(void) { return undefined_thing; }',
  },
  'c++': {
    file: 'main.cpp',
    hello: '#include <iostream>\nint main() { std::cout << "hello, world" << std::endl; }',
    echo: cEcho.replace('#include <stdio.h>', '#include <cstdio>'),
    exit3: 'int main() { return 3; }',
    signal: '#include <cstdlib>\nint main() { std::abort(); }',
    expectedSignal: 'SIGABRT',
    compileError: 'int main() { std::vector<int> v; }',
  },
  java: {
    file: 'Main.java',
    hello: 'public class Main { public static void main(String[] a) { System.out.println("hello, world"); } }',
    echo: 'public class Main { public static void main(String[] a) throws Exception { String in = new String(System.in.readAllBytes()); System.out.println(String.join(",", a) + "|" + in); } }',
    exit3: 'public class Main { public static void main(String[] a) { System.exit(3); } }',
    signal:
      'public class Main { public static void main(String[] a) throws Exception { new ProcessBuilder("kill", "-9", String.valueOf(ProcessHandle.current().pid())).start().waitFor(); Thread.sleep(2000); } }',
    expectedSignal: 'SIGKILL',
    compileError: 'public class Main { public static void main(String[] a) { int x = "s"; } }',
  },
  rust: {
    file: 'main.rs',
    hello: 'fn main() { println!("hello, world"); }',
    echo: 'use std::io::Read;\nfn main() { let a: Vec<String> = std::env::args().skip(1).collect(); let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); println!("{}|{}", a.join(","), s); }',
    exit3: 'fn main() { std::process::exit(3); }',
    signal: 'fn main() { std::process::abort(); }',
    expectedSignal: 'SIGABRT',
    compileError: 'fn main() { let x: i32 = "s"; }',
  },
  bash: {
    file: 'main.sh',
    hello: 'echo "hello, world"',
    echo: 'IFS=,\necho "$*|$(cat)"',
    exit3: 'exit 3',
    signal: 'kill -9 $$',
    expectedSignal: 'SIGKILL',
  },
  perl: {
    file: 'main.pl',
    hello: 'print "hello, world\\n";',
    echo: 'local $/; my $in = <STDIN>; print join(",", @ARGV) . "|" . $in . "\\n";',
    exit3: 'exit 3;',
    signal: 'kill 9, $$; sleep 2;',
    expectedSignal: 'SIGKILL',
  },
  go: {
    file: 'main.go',
    hello: 'package main\nimport "fmt"\nfunc main() { fmt.Println("hello, world") }',
    echo: 'package main\nimport ("fmt"; "io"; "os"; "strings")\nfunc main() { b, _ := io.ReadAll(os.Stdin); fmt.Println(strings.Join(os.Args[1:], ",") + "|" + string(b)) }',
    exit3: 'package main\nimport "os"\nfunc main() { os.Exit(3) }',
    signal: 'package main\nimport "syscall"\nfunc main() { syscall.Kill(syscall.Getpid(), syscall.SIGKILL) }',
    expectedSignal: 'SIGKILL',
    compileError: 'package main\nfunc main() { x := }',
  },
  ruby: {
    file: 'main.rb',
    hello: 'puts "hello, world"',
    echo: 'puts ARGV.join(",") + "|" + STDIN.read',
    exit3: 'exit 3',
    signal: 'Process.kill("KILL", Process.pid); sleep 2',
    expectedSignal: 'SIGKILL',
  },
  php: {
    file: 'main.php',
    hello: '<?php echo "hello, world\\n";',
    echo: '<?php echo implode(",", array_slice($argv, 1)) . "|" . stream_get_contents(STDIN) . "\\n";',
    exit3: '<?php exit(3);',
    signal: '<?php posix_kill(getmypid(), 9); sleep(2);',
    expectedSignal: 'SIGKILL',
  },
  lua: {
    file: 'main.lua',
    hello: 'print("hello, world")',
    echo: 'print(table.concat(arg, ",") .. "|" .. io.read("a"))',
    exit3: 'os.exit(3)',
    // Lua's standard library cannot signal; the shell it starts kills its parent, this program.
    signal: 'os.execute("kill -9 $PPID")\nos.execute("sleep 2")',
    expectedSignal: 'SIGKILL',
  },
};

const REQUIRED = ['javascript', 'typescript', 'python', 'c', 'c++', 'java', 'rust', 'bash'];
type Kind = 'hello' | 'echo' | 'exit3' | 'signal' | 'compileError';

describe('executor: runtimes in the sandbox', () => {
  let ex: TestExecutor;
  let languages: string[] = [];
  const results = new Map<string, Promise<ExecuteBody>>();

  before(async () => {
    ex = await startTestExecutor();
    await ex.handle.ready;
    const list = (await ex.get('/api/v2/runtimes')).body as { language: string }[];
    languages = list.map((rt) => rt.language);
    for (const language of languages) {
      const p = programs[language];
      if (!p) continue;
      const kinds: Kind[] = ['hello', 'echo', 'exit3', 'signal', ...(p.compileError ? (['compileError'] as const) : [])];
      for (const kind of kinds) {
        const content = p[kind] ?? '';
        const extra = kind === 'echo' ? { args: ['x', 'y z'], stdin: 'line1\nline2' } : {};
        const request = ex.execute({ language, version: '*', files: [{ name: p.file, content }], ...extra });
        request.catch(() => undefined);
        results.set(`${language}:${kind}`, request);
      }
    }
  });
  after(async () => {
    await ex?.close();
  });

  it('discovers at least the required runtimes, none of them failing', () => {
    for (const language of REQUIRED) assert.ok(languages.includes(language), `${language} is offered`);
    const health = ex.handle.health();
    assert.equal(health.status, 'ok');
    if (health.status === 'ok') assert.deepEqual(health.failedRuntimes, []);
  });

  for (const [language, p] of Object.entries(programs)) {
    describe(language, () => {
      const get = async (kind: Kind, t: { skip(reason: string): void }) => {
        if (!languages.includes(language)) {
          t.skip(`${language} is not installed here`);
          return undefined;
        }
        const result = results.get(`${language}:${kind}`);
        assert.ok(result, `request for ${kind} was sent`);
        return result;
      };

      it('hello world', async (t) => {
        const res = await get('hello', t);
        if (!res) return;
        assert.equal(res.run.stdout, 'hello, world\n', res.run.output);
        assert.equal(res.run.status, null);
        assert.equal(res.run.code, 0);
        if (p.compileError) assert.equal(res.compile?.code, 0, 'compile stage reported');
      });

      it('echoes stdin and args', async (t) => {
        const res = await get('echo', t);
        if (!res) return;
        assert.equal(res.run.stdout.trimEnd(), 'x,y z|line1\nline2', res.run.output);
      });

      it('reports a non-zero exit as RE', async (t) => {
        const res = await get('exit3', t);
        if (!res) return;
        assert.equal(res.run.status, 'RE', res.run.output);
        assert.equal(res.run.code, 3);
        assert.equal(res.run.message, 'Exited with error status 3');
      });

      it('reports death by a signal as SG', async (t) => {
        const res = await get('signal', t);
        if (!res) return;
        assert.equal(res.run.status, 'SG', res.run.output);
        assert.equal(res.run.signal, p.expectedSignal);
        assert.match(res.run.message ?? '', /^Caught fatal signal \d+$/);
      });

      if (p.compileError) {
        it('reports a compile error and mirrors it into run', async (t) => {
          const res = await get('compileError', t);
          if (!res) return;
          assert.ok(res.compile, 'compile stage present');
          assert.equal(res.compile.status, 'RE', res.compile.output);
          assert.ok(res.compile.output.length > 0, 'diagnostics shown');
          assert.deepEqual(res.run, res.compile);
        });
      }
    });
  }
});
