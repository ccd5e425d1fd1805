import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { detectCgroups, type CgroupManager, type CgroupSources } from '@pairpad/executor/cgroups';
import type { ExecutorLogger } from '@pairpad/executor/logger';

/**
 * Where a preview's CPU shares go on each kind of host. cgroup discovery reads
 * /proc/self/mountinfo and /proc/self/cgroup; here they are fakes pointing at a temp dir shaped
 * like /sys/fs/cgroup on a cgroup v2 host (systemd's unified hierarchy) and on a v1 host whose
 * `cpu` and `cpuacct` controllers are mounted together (`cpu,cpuacct`) or apart, so the files
 * written are checked without such a host (this machine is v1 with separate mounts; cgroup
 * v2 cannot be run for real here). The kernel's part (the control files a new cgroup comes with)
 * is played by the test. The last case runs on this machine's real v1 hierarchy.
 */

const quiet: ExecutorLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const MiB = 1024 * 1024;
const roots: string[] = [];
const managers: CgroupManager[] = [];

after(async () => {
  for (const manager of managers) await manager.close().catch(() => undefined);
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A fake host: `mounts` are mountinfo lines with `{root}` for the temp dir; `own` is /proc/self/cgroup. */
function fakeHost(mounts: string[], own: string[]): { root: string; sources: CgroupSources } {
  const root = mkdtempSync(path.join(tmpdir(), 'pairpad-cgroupfs-'));
  roots.push(root);
  const mountinfo = [
    '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
    '23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
    ...mounts.map((line) => line.replaceAll('{root}', root)),
  ].join('\n');
  writeFileSync(path.join(root, 'mountinfo'), `${mountinfo}\n`);
  writeFileSync(path.join(root, 'cgroup'), `${own.join('\n')}\n`);
  return { root, sources: { mountinfo: path.join(root, 'mountinfo'), cgroup: path.join(root, 'cgroup') } };
}

/** What the kernel puts in a new v1 cgroup of each controller (files written at offset 0 start empty). */
function v1Files(dir: string, controllers: readonly string[]): void {
  const files: Record<string, string> = { 'cgroup.procs': '' };
  if (controllers.includes('memory'))
    Object.assign(files, {
      'memory.usage_in_bytes': '0\n',
      'memory.max_usage_in_bytes': '',
      'memory.limit_in_bytes': '',
      'memory.memsw.limit_in_bytes': '',
      'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
    });
  if (controllers.includes('pids')) files['pids.max'] = '';
  if (controllers.includes('cpuacct')) files['cpuacct.usage'] = '0\n';
  if (controllers.includes('cpu'))
    Object.assign(files, { 'cpu.shares': '1024\n', 'cpu.cfs_period_us': '100000\n', 'cpu.cfs_quota_us': '-1\n' });
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
}

const read = (file: string) => readFileSync(file, 'utf8').trim();
const PREVIEW_CPU = { weight: 50, maxCores: 1 };

describe('cgroup discovery and the CPU files of a preview, per host', () => {
  it('cgroup v2 (unified, systemd service): controllers delegated, memory/pids/cpu.weight/cpu.max in the job cgroup', async () => {
    const { root, sources } = fakeHost(
      ['24 22 0:22 / {root}/sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot'],
      ['0::/system.slice/pairpad.service'],
    );
    const own = path.join(root, 'sys/fs/cgroup/system.slice/pairpad.service');
    mkdirSync(own, { recursive: true });
    writeFileSync(path.join(own, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
    writeFileSync(path.join(own, 'cgroup.subtree_control'), '');
    writeFileSync(path.join(own, 'cgroup.procs'), '');
    const manager = await detectCgroups('v2', quiet, sources);
    managers.push(manager);
    assert.equal(manager.kind, 'v2', manager.detail);
    assert.equal(manager.detail, path.join(own, `pairpad-executor-${process.pid}`));
    assert.equal(read(path.join(own, 'cgroup.subtree_control')), '+memory +pids +cpu', 'memory, pids and cpu delegated');
    assert.equal(manager.cpuGroup, undefined, 'v2: the CPU limits go in the job cgroup itself');
    const job = await manager.acquire();
    assert.ok(job);
    await job.prepare({ memoryBytes: 256 * MiB, maxProcesses: 64, cpu: PREVIEW_CPU });
    const dir = path.dirname(job.procsFiles[0]!);
    assert.equal(dir, path.join(manager.detail, 'job-1'));
    assert.equal(read(path.join(dir, 'memory.max')), String(256 * MiB));
    assert.equal(read(path.join(dir, 'memory.swap.max')), '0');
    assert.equal(read(path.join(dir, 'pids.max')), '64');
    assert.equal(read(path.join(dir, 'cpu.weight')), '50', 'half of a normal process (100)');
    assert.equal(read(path.join(dir, 'cpu.max')), '100000 100000', 'one core: quota = period');
    // A stage without CPU limits (a run) writes none.
    const run = await manager.acquire();
    await run!.prepare({ memoryBytes: 128 * MiB, maxProcesses: 32 });
    assert.throws(() => readFileSync(path.join(path.dirname(run!.procsFiles[0]!), 'cpu.weight')), /ENOENT/);
  });

  it('cgroup v1 with cpu,cpuacct co-mounted: the shares and quota go in the slot cgroup, and back to the defaults for the next stage', async () => {
    const { root, sources } = fakeHost(
      [
        '25 22 0:23 / {root}/sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755',
        '30 25 0:27 / {root}/sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,cpu,cpuacct',
        '31 25 0:28 / {root}/sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,memory',
        '32 25 0:29 / {root}/sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,pids',
      ],
      ['5:pids:/system.slice/pairpad.service', '4:memory:/system.slice/pairpad.service', '3:cpu,cpuacct:/system.slice/pairpad.service'],
    );
    for (const mount of ['cpu,cpuacct', 'memory', 'pids'])
      mkdirSync(path.join(root, 'sys/fs/cgroup', mount, 'system.slice/pairpad.service'), { recursive: true });
    const manager = await detectCgroups('v1', quiet, sources);
    managers.push(manager);
    assert.equal(manager.kind, 'v1', manager.detail);
    const parent = (mount: string) =>
      path.join(root, 'sys/fs/cgroup', mount, 'system.slice/pairpad.service', `pairpad-executor-${process.pid}`);
    assert.equal(manager.detail, [parent('memory'), parent('pids'), parent('cpu,cpuacct')].join(', '));
    assert.equal(await manager.cpuGroup?.(), undefined, 'no separate cpu hierarchy: no cgroup of its own for the CPU');
    const slot = await manager.acquire();
    assert.ok(slot);
    const [memoryDir, pidsDir, cpuDir] = slot.procsFiles.map((file) => path.dirname(file)) as [string, string, string];
    assert.equal(cpuDir, path.join(parent('cpu,cpuacct'), 'slot-1'));
    v1Files(memoryDir, ['memory']);
    v1Files(pidsDir, ['pids']);
    v1Files(cpuDir, ['cpu', 'cpuacct']);
    await slot.prepare({ memoryBytes: 256 * MiB, maxProcesses: 64, cpu: PREVIEW_CPU });
    assert.equal(read(path.join(cpuDir, 'cpu.shares')), '512', 'weight 50 × 10.24');
    assert.equal(read(path.join(cpuDir, 'cpu.cfs_quota_us')), '100000', 'one core of the 100 ms period');
    assert.equal(read(path.join(memoryDir, 'memory.limit_in_bytes')), String(256 * MiB));
    assert.equal(read(path.join(pidsDir, 'pids.max')), '64');
    await slot.destroy();
    // The slot goes back to the pool and the next stage (a run) gets the defaults again.
    const next = await manager.acquire();
    assert.deepEqual(next?.procsFiles, slot.procsFiles, 'the same slot, reused');
    await next!.prepare({ memoryBytes: 256 * MiB, maxProcesses: 64 });
    assert.equal(read(path.join(cpuDir, 'cpu.shares')), '1024');
    assert.equal(read(path.join(cpuDir, 'cpu.cfs_quota_us')), '-1');
  });

  it('cgroup v1 with cpu and cpuacct apart: a cpu cgroup of its own for the preview', async () => {
    const { root, sources } = fakeHost(
      [
        '32 31 0:29 / {root}/sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
        '33 31 0:30 / {root}/sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct',
        '35 31 0:32 / {root}/sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
        '39 31 0:36 / {root}/sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
      ],
      ['8:pids:/', '4:memory:/', '2:cpuacct:/', '1:cpu:/'],
    );
    for (const mount of ['cpu', 'cpuacct', 'memory', 'pids']) mkdirSync(path.join(root, 'sys/fs/cgroup', mount), { recursive: true });
    const manager = await detectCgroups('auto', quiet, sources);
    managers.push(manager);
    assert.equal(manager.kind, 'v1', manager.detail);
    const group = await manager.cpuGroup?.();
    assert.ok(group, 'a cpu cgroup');
    const dir = path.dirname(group.procsFiles[0]!);
    assert.equal(dir, path.join(root, 'sys/fs/cgroup/cpu', `pairpad-executor-${process.pid}`, 'cpu-1'));
    await group.set({ weight: 50, maxCores: 1.5 });
    assert.equal(read(path.join(dir, 'cpu.shares')), '512');
    assert.equal(read(path.join(dir, 'cpu.cfs_period_us')), '100000');
    assert.equal(read(path.join(dir, 'cpu.cfs_quota_us')), '150000');
  });

  it(
    "this machine's real cgroup v1 hierarchy: the preview's cpu cgroup takes the shares and the quota",
    { skip: process.getuid?.() !== 0 ? 'needs root' : false },
    async (t) => {
      const manager = await detectCgroups('auto', quiet);
      managers.push(manager);
      if (manager.kind !== 'v1' || !manager.cpuGroup)
        return t.skip(`not a v1 host with a separate cpu hierarchy (${manager.kind}: ${manager.detail})`);
      const group = await manager.cpuGroup();
      assert.ok(group);
      const dir = path.dirname(group.procsFiles[0]!);
      try {
        await group.set(PREVIEW_CPU);
        assert.equal(read(path.join(dir, 'cpu.shares')), '512');
        assert.equal(read(path.join(dir, 'cpu.cfs_quota_us')), '100000');
      } finally {
        await group.destroy();
      }
    },
  );
});
