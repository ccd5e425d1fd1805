import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TOOLCHAINS, missingToolchains, toolchainPresent } from '../../../scripts/toolchains.mjs';

/** Setup's "is it installed?" looks where the executor looks, so it never reinstalls a rustup toolchain. */

const rust = TOOLCHAINS.find((entry) => entry.language === 'rust')!;
const cobolLike = { language: 'nothing', label: 'Nothing', packages: ['nothing-pkg'], commands: ['pairpad-no-such-command'] };
let home: string;

describe('setup: toolchains present', () => {
  before(async () => {
    home = await fs.mkdtemp(path.join(os.tmpdir(), 'pairpad-home-'));
  });
  after(() => fs.rm(home, { recursive: true, force: true }));

  it('finds a rustup toolchain in ~/.cargo/bin or on PATH, as the executor does', async () => {
    const options = { home, pathEnv: '/nonexistent' };
    const systemRustc = await fs.access('/usr/bin/rustc').then(
      () => true,
      () => false,
    );
    if (!systemRustc) assert.equal(toolchainPresent(rust, options), false);
    await fs.mkdir(path.join(home, '.cargo/bin'), { recursive: true });
    await fs.writeFile(path.join(home, '.cargo/bin/rustc'), '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(toolchainPresent(rust, options), true);
    assert.equal(toolchainPresent(rust, { home: '/nonexistent', pathEnv: path.join(home, '.cargo/bin') }), true);
  });

  it('does not count a file that is not executable', async () => {
    const dir = path.join(home, 'plain');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'rustc'), '', { mode: 0o644 });
    const systemRustc = await fs.access('/usr/bin/rustc').then(
      () => true,
      () => false,
    );
    if (!systemRustc) assert.equal(toolchainPresent(rust, { home: '/nonexistent', pathEnv: dir }), false);
  });

  it('lists the packages of what is missing, once each', () => {
    const { packages } = missingToolchains(['c', 'c++'], { home, pathEnv: '' });
    assert.equal(new Set(packages).size, packages.length);
    assert.equal(toolchainPresent(cobolLike), false);
  });
});
