import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findNode, placeTool } from '@pairpad/executor/toolchain-probe';

/**
 * Node discovery over fake directory trees: nvm and fnm layouts with "node" executables that are
 * only shell scripts (discovery checks the layout; the catalog asks the binary for its version).
 */

let root: string;

async function fakeNode(file: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, '#!/bin/sh\necho v0.0.0\n', { mode: 0o755 });
  return file;
}

async function tree(name: string): Promise<string> {
  const dir = path.join(root, name);
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

/** No system dirs, so only the layouts under test can answer. */
const noSystem: readonly string[] = [];

describe('executor: finding node', () => {
  before(async () => {
    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'pairpad-node-')));
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  it('prefers a system node', async () => {
    const home = await tree('system-home');
    const system = await tree('system-bin');
    const bin = await fakeNode(path.join(system, 'node'));
    await fakeNode(path.join(home, '.nvm/versions/node/v22.1.0/bin/node'));
    assert.equal(await findNode({ env: { HOME: home }, systemDirs: [system] }), bin);
  });

  it('finds the newest nvm node under ~/.nvm when there is no default alias', async () => {
    const home = await tree('nvm-home');
    await fakeNode(path.join(home, '.nvm/versions/node/v18.20.0/bin/node'));
    const newest = await fakeNode(path.join(home, '.nvm/versions/node/v20.11.1/bin/node'));
    await fakeNode(path.join(home, '.nvm/versions/node/v9.11.2/bin/node'));
    await fs.mkdir(path.join(home, '.nvm/versions/node/not-a-version/bin'), { recursive: true });
    assert.equal(await findNode({ env: { HOME: home }, systemDirs: noSystem }), newest);
  });

  it("honours NVM_DIR and nvm's default alias", async () => {
    const nvmDir = await tree('custom-nvm');
    const pinned = await fakeNode(path.join(nvmDir, 'versions/node/v18.20.0/bin/node'));
    await fakeNode(path.join(nvmDir, 'versions/node/v20.11.1/bin/node'));
    await fs.mkdir(path.join(nvmDir, 'alias'), { recursive: true });
    await fs.writeFile(path.join(nvmDir, 'alias/default'), '18\n');
    assert.equal(await findNode({ env: { HOME: await tree('empty-home'), NVM_DIR: nvmDir }, systemDirs: noSystem }), pinned);
  });

  it("falls back to the newest version when nvm's alias names nothing installed", async () => {
    const nvmDir = await tree('alias-lts');
    const newest = await fakeNode(path.join(nvmDir, 'versions/node/v20.11.1/bin/node'));
    await fs.mkdir(path.join(nvmDir, 'alias'), { recursive: true });
    await fs.writeFile(path.join(nvmDir, 'alias/default'), 'lts/*\n');
    assert.equal(await findNode({ env: { NVM_DIR: nvmDir }, systemDirs: noSystem }), newest);
  });

  it("finds fnm's default alias, resolved to the real installation", async () => {
    const home = await tree('fnm-home');
    const fnm = path.join(home, '.local/share/fnm');
    const chosen = await fakeNode(path.join(fnm, 'node-versions/v18.20.0/installation/bin/node'));
    await fakeNode(path.join(fnm, 'node-versions/v20.11.1/installation/bin/node'));
    await fs.mkdir(path.join(fnm, 'aliases'), { recursive: true });
    await fs.symlink(path.join(fnm, 'node-versions/v18.20.0/installation'), path.join(fnm, 'aliases/default'));
    assert.equal(await findNode({ env: { HOME: home }, systemDirs: noSystem }), chosen);
  });

  it('finds the newest fnm node under FNM_DIR without an alias', async () => {
    const fnm = await tree('custom-fnm');
    await fakeNode(path.join(fnm, 'node-versions/v18.20.0/installation/bin/node'));
    const newest = await fakeNode(path.join(fnm, 'node-versions/v21.0.0/installation/bin/node'));
    assert.equal(await findNode({ env: { HOME: await tree('empty-home-2'), FNM_DIR: fnm }, systemDirs: noSystem }), newest);
  });

  it('uses the running node when nothing else is installed', async () => {
    const own = await fakeNode(path.join(await tree('own'), 'node-v20/bin/node'));
    const link = path.join(root, 'own/current-node');
    await fs.symlink(own, link);
    assert.equal(await findNode({ env: { HOME: await tree('empty-home-3') }, execPath: link, systemDirs: noSystem }), own);
  });

  it('finds nothing in an empty world', async () => {
    assert.equal(await findNode({ env: {}, systemDirs: noSystem }), undefined);
  });
});

describe('executor: placing a toolchain in the sandbox', () => {
  it('leaves programs under /usr where they are', () => {
    assert.deepEqual(placeTool('/usr/bin/node', '/opt/node'), { bin: '/usr/bin/node' });
    assert.deepEqual(placeTool('/usr/local/lib/nodejs/bin/node', '/opt/node'), { bin: '/usr/local/lib/nodejs/bin/node' });
  });

  it('binds the installation prefix of a program in a home directory', () => {
    assert.deepEqual(placeTool('/home/ada/.nvm/versions/node/v20.11.1/bin/node', '/opt/node'), {
      bin: '/opt/node/bin/node',
      bind: { source: '/home/ada/.nvm/versions/node/v20.11.1', target: '/opt/node' },
    });
  });

  it('binds the directory of a program that is not in a bin/ folder', () => {
    assert.deepEqual(placeTool('/srv/tools/node', '/opt/node'), {
      bin: '/opt/node/node',
      bind: { source: '/srv/tools', target: '/opt/node' },
    });
  });
});
