// Installs whatever is missing: npm dependencies, then the system packages PairPad needs
// (bubblewrap for the executor's sandbox; with --with-browser, Chromium for the browser tests;
// with --with-redis, redis-server). Safe to run again: it only acts on what is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { commandExists, log, mtimeOf, root, run } from './lib.mjs';

const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const say = (message) => {
  if (!quiet) log(message);
};

async function installNodeModules() {
  const installed = mtimeOf('node_modules/.package-lock.json');
  const wanted = Math.max(mtimeOf('package-lock.json'), mtimeOf('package.json'), mtimeOf('backend/package.json'), mtimeOf('frontend/package.json'), mtimeOf('e2e/package.json'));
  if (installed > 0 && installed >= wanted) return say('npm dependencies are up to date');
  log('installing npm dependencies…');
  const code = await run('npm', ['install', '--no-audit', '--no-fund'], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (code !== 0) throw new Error('npm install failed');
}

/** Debian package → a command it provides, to tell whether it is installed. */
const SYSTEM_PACKAGES = [
  { pkg: 'bubblewrap', command: 'bwrap', why: 'the code-execution sandbox', when: true },
  { pkg: 'chromium', command: 'chromium', why: 'the browser tests', when: args.has('--with-browser'), path: '/usr/bin/chromium' },
  { pkg: 'redis-server', command: 'redis-server', why: 'the Redis scaling tests', when: args.has('--with-redis') },
  { pkg: 'docker-compose', command: 'docker-compose', why: 'validating docker-compose.yml in the tests', when: args.has('--with-browser') },
];

async function installSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter((entry) => entry.when && !commandExists(entry.command) && !(entry.path && existsSync(entry.path)));
  if (missing.length === 0) return say('system packages are present');
  const names = missing.map((entry) => entry.pkg);
  const reasons = missing.map((entry) => `${entry.pkg} (${entry.why})`).join(', ');
  if (!commandExists('apt-get')) {
    log(`missing ${reasons}; this is not a Debian/Ubuntu system, install them with your package manager`);
    return;
  }
  const isRoot = process.getuid?.() === 0;
  const sudo = isRoot ? [] : spawnSync('sudo', ['-n', 'true']).status === 0 ? ['sudo', '-n'] : null;
  if (!sudo) {
    log(`missing ${reasons}; run: sudo apt-get install -y ${names.join(' ')}`);
    return;
  }
  log(`installing ${reasons} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const aptGet = (aptArgs) => (sudo.length > 0 ? run(sudo[0], [...sudo.slice(1), 'apt-get', ...aptArgs], { env }) : run('apt-get', aptArgs, { env }));
  let code = await aptGet(['install', '-y', '-qq', '--no-install-recommends', ...names]);
  if (code !== 0) {
    // A fresh machine has no package lists yet.
    await aptGet(['update', '-qq']);
    code = await aptGet(['install', '-y', '-qq', '--no-install-recommends', ...names]);
  }
  if (code !== 0) log(`apt-get could not install ${names.join(' ')}; the features that need them will say so`);
}

try {
  process.chdir(root);
  await installNodeModules();
  await installSystemPackages();
} catch (error) {
  console.error(`[pairpad] setup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
