// Ubuntu 24.04 and later restrict unprivileged user namespaces through AppArmor
// (kernel.apparmor_restrict_unprivileged_userns=1): bwrap then fails with "setting up uid map:
// Permission denied" and no code can run. The fix is an AppArmor profile that allows bwrap to
// create user namespaces: Ubuntu ships one (bwrap-userns-restrict, in apparmor's extra
// profiles); where it is missing we write a minimal one. Paths are parameters so tests can
// play any host. Plain Node, no deps (setup runs before npm install).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PROFILE_NAME = 'bwrap-userns-restrict';
export const FALLBACK_PROFILE_NAME = 'pairpad-bwrap';

/** The minimal profile: bwrap itself unconfined, allowed to create user namespaces. */
export function fallbackProfile(bwrapPath = '/usr/bin/bwrap') {
  return [
    '# Written by PairPad setup: lets bubblewrap create the user namespaces of its sandbox on',
    '# hosts that restrict them (kernel.apparmor_restrict_unprivileged_userns=1).',
    'abi <abi/4.0>,',
    'include <tunables/global>',
    '',
    `profile ${FALLBACK_PROFILE_NAME} ${bwrapPath} flags=(unconfined) {`,
    '  userns,',
    `  include if exists <local/${FALLBACK_PROFILE_NAME}>`,
    '}',
    '',
  ].join('\n');
}

function read(path) {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * What this host needs for bwrap's user namespaces.
 * @returns {{ restricted: boolean, profileInstalled: boolean, source?: string, commands: string[][] }}
 *   `commands`: what to run as root, in order (empty when nothing is needed).
 */
export function planUsernsProfile({
  procSys = '/proc/sys',
  apparmorDir = '/etc/apparmor.d',
  extraProfiles = '/usr/share/apparmor/extra-profiles',
  bwrapPath = '/usr/bin/bwrap',
} = {}) {
  const restricted = read(join(procSys, 'kernel/apparmor_restrict_unprivileged_userns')) === '1';
  const installed = [PROFILE_NAME, FALLBACK_PROFILE_NAME].find((name) => existsSync(join(apparmorDir, name)));
  if (!restricted || installed) return { restricted, profileInstalled: Boolean(installed), commands: [] };
  const shipped = join(extraProfiles, PROFILE_NAME);
  if (existsSync(shipped)) {
    const target = join(apparmorDir, PROFILE_NAME);
    return {
      restricted,
      profileInstalled: false,
      source: shipped,
      commands: [
        ['cp', shipped, target],
        ['apparmor_parser', '-r', target],
      ],
    };
  }
  const target = join(apparmorDir, FALLBACK_PROFILE_NAME);
  return {
    restricted,
    profileInstalled: false,
    source: 'fallback',
    commands: [
      ['sh', '-c', `cat > ${target} <<'PAIRPAD_EOF'\n${fallbackProfile(bwrapPath)}PAIRPAD_EOF`],
      ['apparmor_parser', '-r', target],
    ],
  };
}

/** The same commands as one line a person can paste (with sudo). */
export function describeCommands(commands) {
  return commands
    .map((argv) =>
      argv[0] === 'sh'
        ? `sudo sh -c ${JSON.stringify(argv[2])}`
        : `sudo ${argv.map((a) => (/^[\w./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`,
    )
    .join(' && ');
}
