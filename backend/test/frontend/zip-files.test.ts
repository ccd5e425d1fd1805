import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { zipFiles } from '../../../frontend/src/lib/zip-files';

/** "Keep your code" of a multi-file room: the browser-built .zip, read back by the real unzip (Info-ZIP). */
describe('zipFiles (frontend/src/lib/zip-files.ts)', () => {
  it('stores every file at its path with folders, UTF-8 names and contents, CRCs unzip accepts', () => {
    const files = [
      { name: 'main.py', content: 'from src.util import greet\nprint(greet("é"))\n' },
      { name: 'src/util.py', content: 'def greet(name):\n    return "hi " + name\n' },
      { name: 'src/deep/naïve.txt', content: 'ünïcödé ✓\n' },
      { name: 'empty.txt', content: '' },
    ];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pairpad-zip-'));
    try {
      const file = path.join(dir, 'code.zip');
      writeFileSync(file, zipFiles(files));
      assert.match(execFileSync('unzip', ['-t', file], { encoding: 'utf8' }), /No errors detected/);
      assert.deepEqual(
        execFileSync('unzip', ['-Z1', file], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C.UTF-8' } })
          .trim()
          .split('\n'),
        files.map((entry) => entry.name),
      );
      for (const entry of files) {
        assert.equal(execFileSync('unzip', ['-p', file, entry.name], { encoding: 'utf8' }), entry.content, entry.name);
      }
      // Unzipped where it is: the folders come back and the files are readable (mode 644).
      execFileSync('unzip', ['-q', file, '-d', path.join(dir, 'out')], { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
      assert.equal(readFileSync(path.join(dir, 'out/src/util.py'), 'utf8'), files[1]!.content);
      assert.equal(statSync(path.join(dir, 'out/src/util.py')).mode & 0o777, 0o644);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
