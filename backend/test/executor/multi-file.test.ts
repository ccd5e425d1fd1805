import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestExecutor, type ExecuteBody, type TestExecutor } from './helpers';

/**
 * Multi-file runs (Piston's files[], the entry first, names with folders) through the real
 * sandbox, one workspace per language as a project would lay it out: packages and modules,
 * ES modules and CommonJS, headers, Java packages, a Go module, Rust modules, SQL setup files.
 * A language whose toolchain is not installed here is skipped, saying so.
 */

interface Workspace {
  language: string;
  files: { name: string; content: string }[];
  stdout: string;
  args?: string[];
}

/**
 * A workspace's files written as the files themselves, txtar-style: a `-- name --` line starts
 * each file, the entry first; every line ends with a newline. The block may be indented as a whole
 * (the indentation common to its lines is removed), so the code reads as code, not as escaped strings.
 */
function files(block: string): Workspace['files'] {
  const lines = block.split('\n');
  if (lines[0]?.trim() === '') lines.shift();
  if (lines.at(-1)?.trim() === '') lines.pop();
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)?.[0] ?? '');
  const common = indents.reduce((a, b) => (b.startsWith(a) ? a : a.startsWith(b) ? b : ''), indents[0] ?? '');
  const result: Workspace['files'] = [];
  for (const line of lines.map((raw) => raw.slice(common.length))) {
    const header = /^-- (.+) --$/.exec(line);
    if (header?.[1]) result.push({ name: header[1], content: '' });
    else if (result.length === 0) throw new Error(`a workspace must start with a "-- name --" line, not ${JSON.stringify(line)}`);
    else result[result.length - 1]!.content += `${line}\n`;
  }
  return result;
}

/** A case: what runs (`language`, `args`) and what it must print, then its files as a template (see `files`). */
const workspace =
  (language: string, stdout: string, args?: string[]) =>
  (block: TemplateStringsArray): Workspace => ({ language, files: files(block.raw.join('')), stdout, ...(args ? { args } : {}) });

const WORKSPACES: Record<string, Workspace> = {
  'python packages and modules': workspace('python', 'hi py 42\n')`
      -- main.py --
      from pkg.util import greet
      from helpers import twice
      print(greet("py"), twice(21))
      -- pkg/__init__.py --
      -- pkg/util.py --
      from .names import prefix
      def greet(name):
          return prefix() + name
      -- pkg/names.py --
      def prefix():
          return "hi "
      -- helpers.py --
      def twice(x):
          return 2 * x
  `,
  'python entry in a folder importing a top-level package': workspace('python', 'answer 42\n')`
      -- app/main.py --
      from shared.consts import ANSWER
      from local import WORD
      print(WORD, ANSWER)
      -- app/local.py --
      WORD = "answer"
      -- shared/__init__.py --
      -- shared/consts.py --
      ANSWER = 42
  `,
  'javascript ES modules': workspace('javascript', 'sum 5\n')`
      -- main.js --
      import { add } from "./lib/math.js";
      import { label } from "./lib/label.mjs";
      console.log(label, add(2, 3));
      -- lib/math.js --
      export function add(a, b) { return a + b; }
      -- lib/label.mjs --
      export const label = "sum";
  `,
  'javascript CommonJS': workspace('javascript', 'HEY!\n')`
      -- index.js --
      const { shout } = require("./src/shout");
      const data = require("./data.json");
      console.log(shout(data.word));
      -- src/shout.js --
      module.exports.shout = (s) => s.toUpperCase() + "!";
      -- data.json --
      { "word": "hey" }
  `,
  'typescript modules': workspace('typescript', 'area=12\n')`
      -- src/main.ts --
      import { area } from "./shapes/circle";
      import { fmt } from "./fmt";
      const r: number = 2;
      console.log(fmt(area(r)));
      -- src/shapes/circle.ts --
      export function area(r: number): number {
        return 3 * r * r;
      }
      -- src/fmt.ts --
      export const fmt = (n: number): string => "area=" + String(n);
  `,
  'c sources and headers in folders': workspace('c', '49 8\n')`
      -- main.c --
      #include <stdio.h>
      #include "util.h"
      int main(void) { printf("%d %d\n", square(7), cube(2)); return 0; }
      -- include/util.h --
      #ifndef UTIL_H
      #define UTIL_H
      int square(int x);
      int cube(int x);
      #endif
      -- src/square.c --
      #include "util.h"
      int square(int x) { return x * x; }
      -- src/cube.c --
      #include "util.h"
      int cube(int x) { return x * square(x); }
  `,
  'c++ sources and headers in folders': workspace('c++', '12\n')`
      -- main.cpp --
      #include <iostream>
      #include "geometry/shape.hpp"
      int main() { Rect r{3, 4}; std::cout << r.area() << std::endl; }
      -- geometry/shape.hpp --
      #pragma once
      struct Rect { int w, h; int area() const; };
      -- geometry/shape.cpp --
      #include "shape.hpp"
      int Rect::area() const { return w * h; }
  `,
  'java classes side by side': workspace('java', 'hello java\n')`
      -- Main.java --
      public class Main {
        public static void main(String[] a) {
          System.out.println(Greeter.greet("java"));
        }
      }
      -- Greeter.java --
      public class Greeter {
        static String greet(String who) { return "hello " + who; }
      }
  `,
  // A main elsewhere (Other.java) must not be the one run: the first file's class is.
  'java packages, entry class from the first file': workspace('java', 'abab\n', ['ab'])`
      -- com/acme/App.java --
      // the entry
      package com.acme;

      import com.acme.util.Helper;

      public class App {
        public static void main(String[] args) {
          System.out.println(Helper.twice(args.length > 0 ? args[0] : "none"));
        }
      }
      -- com/acme/util/Helper.java --
      package com.acme.util;

      public class Helper {
        public static String twice(String s) { return s + s; }
      }
      -- com/acme/Other.java --
      package com.acme;
      public class Other { public static void main(String[] a) { System.out.println("wrong"); } }
  `,
  'go files of one package, no go.mod': workspace('go', '42\n')`
      -- main.go --
      package main

      import "fmt"

      func main() { fmt.Println(double(21)) }
      -- helper.go --
      package main

      func double(x int) int { return 2 * x }
  `,
  'go packages in folders, go.mod made for them': workspace('go', 'hello\n')`
      -- main.go --
      package main

      import (
      	"fmt"
      	"pairpad/util"
      )

      func main() { fmt.Println(util.Reverse("olleh")) }
      -- util/strings.go --
      package util

      func Reverse(s string) string {
      	r := []rune(s)
      	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
      		r[i], r[j] = r[j], r[i]
      	}
      	return string(r)
      }
  `,
  "go module of the request's own go.mod, entry in cmd/": workspace('go', '6\n')`
      -- cmd/app/main.go --
      package main

      import (
      	"fmt"
      	"example.com/shop/calc"
      )

      func main() { fmt.Println(calc.Total([]int{1, 2, 3})) }
      -- go.mod --
      module example.com/shop

      go 1.18
      -- calc/calc.go --
      package calc

      func Total(xs []int) int {
      	t := 0
      	for _, x := range xs {
      		t += x
      	}
      	return t
      }
  `,
  'rust modules': workspace('rust', '8 RS\n')`
      -- main.rs --
      mod geometry;
      mod util;

      fn main() {
          println!("{} {}", geometry::circle::diameter(4), util::shout("rs"));
      }
      -- geometry/mod.rs --
      pub mod circle;
      -- geometry/circle.rs --
      pub fn diameter(r: u32) -> u32 {
          2 * r
      }
      -- util.rs --
      pub fn shout(s: &str) -> String {
          s.to_uppercase()
      }
  `,
  'sqlite: the other .sql files set the database up, then the entry runs': workspace(
    'sqlite3',
    '┌──────┬───────┐\n│ name │ total │\n├──────┼───────┤\n│ bob  │ 120   │\n│ ann  │ 30    │\n└──────┴───────┘\n',
  )`
      -- query.sql --
      SELECT name, total FROM orders ORDER BY total DESC;
      -- setup/schema.sql --
      CREATE TABLE orders (id INTEGER PRIMARY KEY, name TEXT NOT NULL, total INTEGER);
      -- setup/seed.sql --
      INSERT INTO orders (name, total) VALUES ('ann', 30), ('bob', 120);
  `,
  'sqlite: another output mode from args, a name that needs quoting': workspace(
    'sqlite3',
    '[{"id":1,"label":"one"},\n{"id":2,"label":"two"}]\n',
    ['-json'],
  )`
      -- main.sql --
      SELECT id, label FROM t ORDER BY id;
      -- a b/it's "seed".sql --
      CREATE TABLE t (id INTEGER, label TEXT);
      INSERT INTO t VALUES (2, 'two'), (1, 'one');
  `,
};

describe('executor: multi-file runs in the sandbox', () => {
  let ex: TestExecutor;
  let languages = new Set<string>();
  const results = new Map<string, Promise<ExecuteBody>>();

  before(async () => {
    ex = await startTestExecutor({
      EXECUTOR_RUNTIMES: [...new Set(Object.values(WORKSPACES).map((w) => w.language))].join(','),
      // Start-up may be slow on a busy machine; the runs here compile several files.
      EXECUTOR_COMPILE_TIMEOUT: '60000',
      EXECUTOR_COMPILE_CPU_TIME: '60000',
      EXECUTOR_RUN_TIMEOUT: '10000',
    });
    await ex.handle.ready;
    languages = new Set(((await ex.get('/api/v2/runtimes')).body as { language: string }[]).map((rt) => rt.language));
    for (const [what, workspace] of Object.entries(WORKSPACES)) {
      if (!languages.has(workspace.language)) continue;
      const request = ex.execute({ language: workspace.language, version: '*', files: workspace.files, args: workspace.args ?? [] });
      request.catch(() => undefined);
      results.set(what, request);
    }
  });
  after(async () => {
    await ex?.close();
  });

  for (const [what, workspace] of Object.entries(WORKSPACES)) {
    it(what, async (t) => {
      if (!languages.has(workspace.language)) {
        t.skip(`${workspace.language} is not installed on this machine`);
        return;
      }
      const res = await results.get(what);
      assert.ok(res);
      if (res.compile) assert.equal(res.compile.status, null, `compile: ${res.compile.output}`);
      assert.equal(res.run.stdout, workspace.stdout, res.run.output);
      assert.equal(res.run.status, null, res.run.output);
    });
  }

  it('sqlite: each run starts from a fresh database', async (t) => {
    if (!languages.has('sqlite3')) return t.skip('sqlite3 is not installed on this machine');
    const files = [
      { name: 'main.sql', content: "INSERT INTO seen VALUES ('again');\nSELECT count(*) FROM seen;\n" },
      { name: 'schema.sql', content: "CREATE TABLE seen (what TEXT);\nINSERT INTO seen VALUES ('seed');\n" },
    ];
    const first = await ex.execute({ language: 'sqlite', version: '*', files, args: ['-list'] });
    const second = await ex.execute({ language: 'sql', version: '*', files, args: ['-list'] });
    assert.equal(first.run.stdout, '2\n');
    assert.equal(second.run.stdout, '2\n');
  });

  it('sqlite: an error stops the run as RE, naming the file and line', async (t) => {
    if (!languages.has('sqlite3')) return t.skip('sqlite3 is not installed on this machine');
    const res = await ex.execute({
      language: 'sqlite3',
      version: '*',
      files: [{ name: 'main.sql', content: "SELECT 1;\nSELEC 2;\nSELECT 'not reached';\n" }],
      args: ['-list'],
    });
    assert.equal(res.run.status, 'RE');
    assert.equal(res.run.stdout, '1\n');
    assert.match(res.run.stderr, /line 2.*syntax error/s);
  });

  it('stages more files than fit in memory channels on disk, folders and all', async (t) => {
    if (!languages.has('python')) return t.skip('python is not installed on this machine');
    const modules = Array.from({ length: 12 }, (_, i) => ({ name: `pkg/m${i}.py`, content: `V = ${i}\n` }));
    const imports = modules.map((_, i) => `from pkg.m${i} import V as v${i}`).join('\n');
    const res = await ex.execute({
      language: 'python',
      version: '*',
      files: [
        { name: 'main.py', content: `${imports}\nprint(sum([${modules.map((_, i) => `v${i}`).join(', ')}]))\n` },
        { name: 'pkg/__init__.py', content: '' },
        ...modules,
      ],
    });
    assert.equal(res.run.stdout, '66\n', res.run.output);
  });
});

describe('executor: file names and limits of files[]', () => {
  let ex: TestExecutor;
  let workDir: string;
  before(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pairpad-multi-file-'));
    await fs.chmod(workDir, 0o711);
    ex = await startTestExecutor({
      EXECUTOR_RUNTIMES: 'python',
      EXECUTOR_MAX_FILES: '8',
      EXECUTOR_MAX_FILES_BYTES: '4096',
      EXECUTOR_WORK_DIR: workDir,
    });
    await ex.handle.ready;
  });
  after(async () => {
    await ex?.close();
    await fs.rm(workDir, { recursive: true, force: true });
  });

  const body = (...names: string[]) => ({
    language: 'python',
    version: '*',
    files: names.map((name, i) => ({ name, content: i === 0 ? 'print("ran")' : '' })),
  });
  const invalid: [string, string, string][] = [
    ['../evil.py', 'a ".." segment', '../evil.py'],
    ['/etc/passwd', 'an absolute path', '/etc/passwd'],
    ['a/../../x.py', 'a ".." segment', 'a/../../x.py'],
    ['a/../b.py', 'a ".." segment', 'a/../b.py'],
    ['./main.py', 'a "." segment', './main.py'],
    ['a//b.py', 'an empty segment', 'a//b.py'],
    ['dir/', 'an empty segment', 'dir/'],
    ['.tmp/x.py', 'the box\'s reserved ".tmp" folder', '.tmp/x.py'],
    ['a\nb.py', 'a control character', 'a\nb.py'],
    [`${'d/'.repeat(17)}x.py`, 'more than 16 folders deep', `${'d/'.repeat(17)}x.py`],
    [`${'x'.repeat(256)}.py`, 'a segment longer than 255 bytes', `${'x'.repeat(256)}.py`],
  ];
  for (const [name, problem, shown] of invalid) {
    it(`refuses ${JSON.stringify(name).slice(0, 40)} with FILE_PATH_INVALID`, async () => {
      const res = await ex.post('/api/v2/execute', body('main.py', name));
      assert.deepEqual(res, {
        status: 400,
        body: {
          message: `files[1].name "${shown.slice(0, 200)}" must be a relative path inside the box (it has ${problem})`,
          code: 'FILE_PATH_INVALID',
        },
      });
    });
  }

  it('refuses the same name twice with FILE_PATH_DUPLICATE', async () => {
    const res = await ex.post('/api/v2/execute', body('main.py', 'lib/a.py', 'lib/a.py'));
    assert.deepEqual(res, {
      status: 400,
      body: { message: 'files[2].name "lib/a.py" is also the name of files[1]', code: 'FILE_PATH_DUPLICATE' },
    });
  });

  it('refuses a file that is also a folder with FILE_PATH_CONFLICT', async () => {
    const res = await ex.post('/api/v2/execute', body('main.py', 'lib', 'lib/a.py'));
    assert.deepEqual(res, {
      status: 400,
      body: { message: 'file "lib" clashes with the folder of "lib/a.py"', code: 'FILE_PATH_CONFLICT' },
    });
  });

  it('refuses more files than EXECUTOR_MAX_FILES with FILES_TOO_MANY', async () => {
    const res = await ex.post('/api/v2/execute', body(...Array.from({ length: 9 }, (_, i) => `f${i}.py`)));
    assert.deepEqual(res, { status: 400, body: { message: 'files cannot have more than 8 entries', code: 'FILES_TOO_MANY' } });
    assert.equal((await ex.post('/api/v2/execute', body(...Array.from({ length: 8 }, (_, i) => `f${i}.py`)))).status, 200);
  });

  it('refuses more decoded bytes than EXECUTOR_MAX_FILES_BYTES with FILES_TOO_LARGE', async () => {
    const res = await ex.post('/api/v2/execute', {
      language: 'python',
      version: '*',
      files: [
        { name: 'main.py', content: 'print(1)' },
        { name: 'blob.bin', content: Buffer.alloc(4096).toString('base64'), encoding: 'base64' },
      ],
    });
    assert.deepEqual(res, {
      status: 400,
      body: { message: 'files hold 4104 bytes, more than the configured limit of 4096', code: 'FILES_TOO_LARGE' },
    });
  });

  it('writes nothing for a refused request, and the same names work once fixed', async () => {
    const before = await fs.readdir(workDir);
    await ex.post('/api/v2/execute', body('main.py', '../../escape.py'));
    await ex.post('/api/v2/execute', body('main.py', 'x.py', 'x.py'));
    const added = (await fs.readdir(workDir)).filter((entry) => !before.includes(entry));
    assert.deepEqual(added, []);
    const ok = await ex.execute(body('main.py', 'escape.py'));
    assert.equal(ok.run.stdout, 'ran\n');
  });

  it('answers a refused name over connect with the same message and code', async () => {
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(`${ex.url.replace(/^http/, 'ws')}/api/v2/connect`);
    const messages: Record<string, unknown>[] = [];
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
    ws.on('open', () => ws.send(JSON.stringify({ type: 'init', ...body('main.py', '../x.py') })));
    assert.equal(await closed, 4002);
    assert.deepEqual(messages, [
      {
        type: 'error',
        message: 'files[1].name "../x.py" must be a relative path inside the box (it has a ".." segment)',
        code: 'FILE_PATH_INVALID',
      },
    ]);
  });
});
