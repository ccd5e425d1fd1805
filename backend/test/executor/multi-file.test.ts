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

const WORKSPACES: Record<string, Workspace> = {
  'python packages and modules': {
    language: 'python',
    files: [
      { name: 'main.py', content: 'from pkg.util import greet\nfrom helpers import twice\nprint(greet("py"), twice(21))\n' },
      { name: 'pkg/__init__.py', content: '' },
      { name: 'pkg/util.py', content: 'from .names import prefix\ndef greet(name):\n    return prefix() + name\n' },
      { name: 'pkg/names.py', content: 'def prefix():\n    return "hi "\n' },
      { name: 'helpers.py', content: 'def twice(x):\n    return 2 * x\n' },
    ],
    stdout: 'hi py 42\n',
  },
  'python entry in a folder importing a top-level package': {
    language: 'python',
    files: [
      { name: 'app/main.py', content: 'from shared.consts import ANSWER\nfrom local import WORD\nprint(WORD, ANSWER)\n' },
      { name: 'app/local.py', content: 'WORD = "answer"\n' },
      { name: 'shared/__init__.py', content: '' },
      { name: 'shared/consts.py', content: 'ANSWER = 42\n' },
    ],
    stdout: 'answer 42\n',
  },
  'javascript ES modules': {
    language: 'javascript',
    files: [
      {
        name: 'main.js',
        content: 'import { add } from "./lib/math.js";\nimport { label } from "./lib/label.mjs";\nconsole.log(label, add(2, 3));\n',
      },
      { name: 'lib/math.js', content: 'export function add(a, b) { return a + b; }\n' },
      { name: 'lib/label.mjs', content: 'export const label = "sum";\n' },
    ],
    stdout: 'sum 5\n',
  },
  'javascript CommonJS': {
    language: 'javascript',
    files: [
      {
        name: 'index.js',
        content: 'const { shout } = require("./src/shout");\nconst data = require("./data.json");\nconsole.log(shout(data.word));\n',
      },
      { name: 'src/shout.js', content: 'module.exports.shout = (s) => s.toUpperCase() + "!";\n' },
      { name: 'data.json', content: '{ "word": "hey" }\n' },
    ],
    stdout: 'HEY!\n',
  },
  'typescript modules': {
    language: 'typescript',
    files: [
      {
        name: 'src/main.ts',
        content:
          'import { area } from "./shapes/circle";\nimport { fmt } from "./fmt";\nconst r: number = 2;\nconsole.log(fmt(area(r)));\n',
      },
      { name: 'src/shapes/circle.ts', content: 'export function area(r: number): number {\n  return 3 * r * r;\n}\n' },
      { name: 'src/fmt.ts', content: 'export const fmt = (n: number): string => `area=${n}`;\n' },
    ],
    stdout: 'area=12\n',
  },
  'c sources and headers in folders': {
    language: 'c',
    files: [
      {
        name: 'main.c',
        content: '#include <stdio.h>\n#include "util.h"\nint main(void) { printf("%d %d\\n", square(7), cube(2)); return 0; }\n',
      },
      { name: 'include/util.h', content: '#ifndef UTIL_H\n#define UTIL_H\nint square(int x);\nint cube(int x);\n#endif\n' },
      { name: 'src/square.c', content: '#include "util.h"\nint square(int x) { return x * x; }\n' },
      { name: 'src/cube.c', content: '#include "util.h"\nint cube(int x) { return x * square(x); }\n' },
    ],
    stdout: '49 8\n',
  },
  'c++ sources and headers in folders': {
    language: 'c++',
    files: [
      {
        name: 'main.cpp',
        content: '#include <iostream>\n#include "geometry/shape.hpp"\nint main() { Rect r{3, 4}; std::cout << r.area() << std::endl; }\n',
      },
      { name: 'geometry/shape.hpp', content: '#pragma once\nstruct Rect { int w, h; int area() const; };\n' },
      { name: 'geometry/shape.cpp', content: '#include "shape.hpp"\nint Rect::area() const { return w * h; }\n' },
    ],
    stdout: '12\n',
  },
  'java classes side by side': {
    language: 'java',
    files: [
      {
        name: 'Main.java',
        content: 'public class Main {\n  public static void main(String[] a) {\n    System.out.println(Greeter.greet("java"));\n  }\n}\n',
      },
      { name: 'Greeter.java', content: 'public class Greeter {\n  static String greet(String who) { return "hello " + who; }\n}\n' },
    ],
    stdout: 'hello java\n',
  },
  'java packages, entry class from the first file': {
    language: 'java',
    files: [
      {
        name: 'com/acme/App.java',
        content:
          '// the entry\npackage com.acme;\n\nimport com.acme.util.Helper;\n\npublic class App {\n  public static void main(String[] args) {\n    System.out.println(Helper.twice(args.length > 0 ? args[0] : "none"));\n  }\n}\n',
      },
      {
        name: 'com/acme/util/Helper.java',
        content: 'package com.acme.util;\n\npublic class Helper {\n  public static String twice(String s) { return s + s; }\n}\n',
      },
      // A main elsewhere must not be the one run: the first file's class is.
      {
        name: 'com/acme/Other.java',
        content: 'package com.acme;\npublic class Other { public static void main(String[] a) { System.out.println("wrong"); } }\n',
      },
    ],
    args: ['ab'],
    stdout: 'abab\n',
  },
  'go files of one package, no go.mod': {
    language: 'go',
    files: [
      { name: 'main.go', content: 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(double(21)) }\n' },
      { name: 'helper.go', content: 'package main\n\nfunc double(x int) int { return 2 * x }\n' },
    ],
    stdout: '42\n',
  },
  'go packages in folders, go.mod made for them': {
    language: 'go',
    files: [
      {
        name: 'main.go',
        content: 'package main\n\nimport (\n\t"fmt"\n\t"pairpad/util"\n)\n\nfunc main() { fmt.Println(util.Reverse("olleh")) }\n',
      },
      {
        name: 'util/strings.go',
        content:
          'package util\n\nfunc Reverse(s string) string {\n\tr := []rune(s)\n\tfor i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {\n\t\tr[i], r[j] = r[j], r[i]\n\t}\n\treturn string(r)\n}\n',
      },
    ],
    stdout: 'hello\n',
  },
  "go module of the request's own go.mod, entry in cmd/": {
    language: 'go',
    files: [
      {
        name: 'cmd/app/main.go',
        content:
          'package main\n\nimport (\n\t"fmt"\n\t"example.com/shop/calc"\n)\n\nfunc main() { fmt.Println(calc.Total([]int{1, 2, 3})) }\n',
      },
      { name: 'go.mod', content: 'module example.com/shop\n\ngo 1.18\n' },
      {
        name: 'calc/calc.go',
        content: 'package calc\n\nfunc Total(xs []int) int {\n\tt := 0\n\tfor _, x := range xs {\n\t\tt += x\n\t}\n\treturn t\n}\n',
      },
    ],
    stdout: '6\n',
  },
  'rust modules': {
    language: 'rust',
    files: [
      {
        name: 'main.rs',
        content: 'mod geometry;\nmod util;\n\nfn main() {\n    println!("{} {}", geometry::circle::diameter(4), util::shout("rs"));\n}\n',
      },
      { name: 'geometry/mod.rs', content: 'pub mod circle;\n' },
      { name: 'geometry/circle.rs', content: 'pub fn diameter(r: u32) -> u32 {\n    2 * r\n}\n' },
      { name: 'util.rs', content: 'pub fn shout(s: &str) -> String {\n    s.to_uppercase()\n}\n' },
    ],
    stdout: '8 RS\n',
  },
  'sqlite: the other .sql files set the database up, then the entry runs': {
    language: 'sqlite3',
    files: [
      { name: 'query.sql', content: 'SELECT name, total FROM orders ORDER BY total DESC;\n' },
      { name: 'setup/schema.sql', content: 'CREATE TABLE orders (id INTEGER PRIMARY KEY, name TEXT NOT NULL, total INTEGER);\n' },
      { name: 'setup/seed.sql', content: "INSERT INTO orders (name, total) VALUES ('ann', 30), ('bob', 120);\n" },
    ],
    stdout: '┌──────┬───────┐\n│ name │ total │\n├──────┼───────┤\n│ bob  │ 120   │\n│ ann  │ 30    │\n└──────┴───────┘\n',
  },
  'sqlite: another output mode from args, a name that needs quoting': {
    language: 'sqlite3',
    files: [
      { name: 'main.sql', content: 'SELECT id, label FROM t ORDER BY id;\n' },
      { name: 'a b/it\'s "seed".sql', content: "CREATE TABLE t (id INTEGER, label TEXT);\nINSERT INTO t VALUES (2, 'two'), (1, 'one');\n" },
    ],
    args: ['-json'],
    stdout: '[{"id":1,"label":"one"},\n{"id":2,"label":"two"}]\n',
  },
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
