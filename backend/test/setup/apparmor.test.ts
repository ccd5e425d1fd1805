import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { diagnoseUserNamespaces } from '@pairpad/executor/userns-diagnosis';
// @ts-expect-error: plain ESM script without types (setup runs before npm install)
import { describeCommands, planUsernsProfile } from '../../../scripts/apparmor.mjs';

interface Plan {
  restricted: boolean;
  profileInstalled: boolean;
  source?: string;
  commands: string[][];
}
const plan = planUsernsProfile as (options: Record<string, string>) => Plan;

/** A fake host: /proc/sys values, /etc/apparmor.d and the extra-profiles folder. */
function fakeHost(sysctls: Record<string, string>, options: { shipped?: boolean; installed?: string } = {}) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pairpad-apparmor-'));
  const procSys = path.join(root, 'proc-sys');
  for (const [name, value] of Object.entries(sysctls)) {
    mkdirSync(path.dirname(path.join(procSys, name)), { recursive: true });
    writeFileSync(path.join(procSys, name), `${value}\n`);
  }
  const apparmorDir = path.join(root, 'apparmor.d');
  const extraProfiles = path.join(root, 'extra-profiles');
  mkdirSync(apparmorDir, { recursive: true });
  mkdirSync(extraProfiles, { recursive: true });
  if (options.shipped) writeFileSync(path.join(extraProfiles, 'bwrap-userns-restrict'), 'profile bwrap /usr/bin/bwrap {}\n');
  if (options.installed) writeFileSync(path.join(apparmorDir, options.installed), 'x\n');
  return { root, procSys, apparmorDir, extraProfiles };
}

describe('user namespace restrictions (Ubuntu 24.04+ AppArmor and others)', () => {
  const roots: string[] = [];
  const host = (...args: Parameters<typeof fakeHost>) => {
    const made = fakeHost(...args);
    roots.push(made.root);
    return made;
  };
  after(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('names the cause for the executor health', () => {
    const values = (map: Record<string, string>) => (name: string) => map[name];
    assert.match(
      diagnoseUserNamespaces(values({ 'kernel/apparmor_restrict_unprivileged_userns': '1' })) ?? '',
      /AppArmor restricts unprivileged user namespaces.*npm run setup/,
    );
    assert.match(diagnoseUserNamespaces(values({ 'kernel/unprivileged_userns_clone': '0' })) ?? '', /unprivileged_userns_clone=0/);
    assert.match(diagnoseUserNamespaces(values({ 'user/max_user_namespaces': '0' })) ?? '', /max_user_namespaces=0/);
    assert.equal(
      diagnoseUserNamespaces(values({ 'kernel/apparmor_restrict_unprivileged_userns': '0', 'user/max_user_namespaces': '1000' })),
      undefined,
    );
    assert.equal(diagnoseUserNamespaces(values({})), undefined);
  });

  it('does nothing where namespaces are not restricted', () => {
    const h = host({ 'kernel/apparmor_restrict_unprivileged_userns': '0' });
    assert.deepEqual(plan(h), { restricted: false, profileInstalled: false, commands: [] });
    assert.equal(plan(host({})).restricted, false);
  });

  it("installs Ubuntu's own bwrap-userns-restrict profile when apparmor ships it", () => {
    const h = host({ 'kernel/apparmor_restrict_unprivileged_userns': '1' }, { shipped: true });
    const result = plan(h);
    assert.equal(result.restricted, true);
    assert.deepEqual(result.commands, [
      ['cp', path.join(h.extraProfiles, 'bwrap-userns-restrict'), path.join(h.apparmorDir, 'bwrap-userns-restrict')],
      ['apparmor_parser', '-r', path.join(h.apparmorDir, 'bwrap-userns-restrict')],
    ]);
    assert.match((describeCommands as (c: string[][]) => string)(result.commands), /^sudo cp .* && sudo apparmor_parser -r /);
  });

  it('writes a minimal profile allowing userns when none is shipped', () => {
    const result = plan(host({ 'kernel/apparmor_restrict_unprivileged_userns': '1' }));
    assert.equal(result.source, 'fallback');
    assert.match(result.commands[0]?.[2] ?? '', /profile pairpad-bwrap \/usr\/bin\/bwrap flags=\(unconfined\) \{\n {2}userns,/);
    assert.equal(result.commands[1]?.[0], 'apparmor_parser');
  });

  it('leaves an installed profile alone', () => {
    for (const installed of ['bwrap-userns-restrict', 'pairpad-bwrap']) {
      const result = plan(host({ 'kernel/apparmor_restrict_unprivileged_userns': '1' }, { shipped: true, installed }));
      assert.deepEqual(result, { restricted: true, profileInstalled: true, commands: [] });
    }
  });
});
