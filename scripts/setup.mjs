// Installs whatever is missing: npm dependencies, then the system packages PairPad needs
// (bubblewrap for the executor's sandbox; the toolchains of the languages to offer; with
// --with-browser, Chromium for the browser tests; with --with-redis, redis-server; with
// --with-postgres, PostgreSQL's server binaries for the store tests).
// Safe to run again: it only acts on what is missing, and asks apt-get nothing when all is there.
//
// Languages: PAIRPAD_LANGUAGES=all (every language the executor knows), a comma list
// (python,go), "none", or unset for the default set (scripts/toolchains.mjs);
// `--languages <spec>` overrides the variable (`npm test` passes `--languages all`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { commandExists, log, mtimeOf, root, run } from './lib.mjs';
import { missingToolchains, selectLanguages } from './toolchains.mjs';
import { installPreviewToolchain } from './preview-toolchain.mjs';
import { describeCommands, planUsernsProfile } from './apparmor.mjs';

const argv = process.argv.slice(2);
const args = new Set(argv);
const languagesFlag =
  argv.find((arg) => arg.startsWith('--languages='))?.slice('--languages='.length) ??
  (argv.includes('--languages') ? argv[argv.indexOf('--languages') + 1] : undefined);
const quiet = args.has('--quiet');
const say = (message) => {
  if (!quiet) log(message);
};

async function installNodeModules() {
  const installed = mtimeOf('node_modules/.package-lock.json');
  const wanted = Math.max(
    mtimeOf('package-lock.json'),
    mtimeOf('package.json'),
    mtimeOf('backend/package.json'),
    ...['protocol', 'client', 'executor'].map((pkg) => mtimeOf(`packages/${pkg}/package.json`)),
    mtimeOf('frontend/package.json'),
    mtimeOf('e2e/package.json'),
  );
  if (installed > 0 && installed >= wanted) return say('npm dependencies are up to date');
  log('installing npm dependencies…');
  const code = await run('npm', ['install', '--no-audit', '--no-fund'], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (code !== 0) throw new Error('npm install failed');
}

/** Debian keeps PostgreSQL's server binaries off PATH, in /usr/lib/postgresql/<major>/bin. */
function postgresInitdb() {
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base) ? readdirSync(base).filter((name) => existsSync(`${base}/${name}/bin/initdb`)) : [];
  return majors.length > 0 ? `${base}/${majors[0]}/bin/initdb` : undefined;
}

/** Debian package → a command it provides, to tell whether it is installed. */
const SYSTEM_PACKAGES = [
  { pkg: 'bubblewrap', command: 'bwrap', why: 'the code-execution sandbox', when: true },
  {
    pkg: 'python3-flask',
    command: 'flask',
    why: 'the Python + Flask preview template',
    when: true,
    path: '/usr/lib/python3/dist-packages/flask/__init__.py',
  },
  { pkg: 'chromium', command: 'chromium', why: 'the browser tests', when: args.has('--with-browser'), path: '/usr/bin/chromium' },
  { pkg: 'redis-server', command: 'redis-server', why: 'the Redis scaling tests', when: args.has('--with-redis') },
  {
    pkg: 'nginx-light',
    command: 'nginx',
    why: 'the load-balancer test (two backends behind nginx)',
    when: args.has('--with-redis'),
    path: '/usr/sbin/nginx',
  },
  {
    pkg: 'postgresql',
    command: 'initdb',
    why: 'the PostgreSQL store tests (a throwaway server per test file)',
    when: args.has('--with-postgres'),
    path: postgresInitdb(),
  },
  { pkg: 'docker-compose', command: 'docker-compose', why: 'validating docker-compose.yml in the tests', when: args.has('--with-browser') },
];

/** The toolchains of the languages asked for that are not installed yet, as SYSTEM_PACKAGES entries. */
function missingLanguagePackages() {
  const { languages, unknown } = selectLanguages(languagesFlag ?? process.env.PAIRPAD_LANGUAGES);
  if (unknown.length > 0)
    log(
      `PAIRPAD_LANGUAGES: unknown language ${unknown.map((word) => `"${word}"`).join(', ')} (ignored); use all, none, default or names such as python,go`,
    );
  const { entries, packages } = missingToolchains(languages);
  if (entries.length === 0) say(`toolchains present for: ${languages.join(', ') || '(none asked for)'}`);
  return packages.map((pkg) => ({
    pkg,
    why: `${entries
      .filter((entry) => entry.packages.includes(pkg))
      .map((entry) => entry.label)
      .join('/')} runs`,
  }));
}

async function installSystemPackages() {
  const missing = [
    ...SYSTEM_PACKAGES.filter((entry) => entry.when && !commandExists(entry.command) && !(entry.path && existsSync(entry.path))),
    ...missingLanguagePackages(),
  ];
  if (missing.length === 0) return say('system packages are present');
  const names = missing.map((entry) => entry.pkg);
  const reasons = missing.map((entry) => `${entry.pkg} (${entry.why})`).join(', ');
  if (!commandExists('apt-get')) {
    log(`missing ${reasons}; this is not a Debian/Ubuntu system, install them with your package manager`);
    return;
  }
  const isRoot = process.getuid?.() === 0;
  const sudo = isRoot ? [] : spawnSync('sudo', ['-n', 'true']).status === 0 ? ['sudo', '-n'] : null;
  // The JDK's postinst links its man pages into /usr/share/man/man1, which slim images delete.
  const needsManDir = names.some((name) => /jdk|jre/.test(name)) && !existsSync('/usr/share/man/man1');
  if (!sudo) {
    const mkdir = needsManDir ? 'sudo mkdir -p /usr/share/man/man1 && ' : '';
    log(`missing ${reasons}; run: ${mkdir}sudo apt-get install -y --no-install-recommends ${names.join(' ')}`);
    return;
  }
  log(`installing ${reasons} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const asRoot = (command, commandArgs) =>
    sudo.length > 0 ? run(sudo[0], [...sudo.slice(1), command, ...commandArgs], { env }) : run(command, commandArgs, { env });
  if (needsManDir) {
    if (isRoot) mkdirSync('/usr/share/man/man1', { recursive: true });
    else await asRoot('mkdir', ['-p', '/usr/share/man/man1']);
  }
  const install = (packages) => asRoot('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages]);
  let code = await install(names);
  if (code !== 0) {
    // A fresh machine has no package lists yet.
    await asRoot('apt-get', ['update', '-qq']);
    code = await install(names);
  }
  if (code !== 0 && names.length > 1) {
    // One package this release does not have must not cost the others: install them one by one.
    const failed = [];
    for (const name of names) if ((await install([name])) !== 0) failed.push(name);
    if (failed.length > 0) log(`apt-get could not install ${failed.join(' ')}; the features and languages that need them will say so`);
  } else if (code !== 0) {
    log(`apt-get could not install ${names.join(' ')}; the features and languages that need them will say so`);
  }
}

/** Ubuntu 24.04+: an AppArmor profile so that bwrap may create its user namespaces. */
async function allowUserNamespaces() {
  const plan = planUsernsProfile();
  if (!plan.restricted) return;
  if (plan.profileInstalled) return say('AppArmor allows bwrap its user namespaces');
  const isRoot = process.getuid?.() === 0;
  const sudo = isRoot ? [] : spawnSync('sudo', ['-n', 'true']).status === 0 ? ['sudo', '-n'] : null;
  if (!sudo || !commandExists('apparmor_parser')) {
    log(
      'AppArmor restricts unprivileged user namespaces here (kernel.apparmor_restrict_unprivileged_userns=1), so the sandbox cannot start.',
    );
    log(`run: ${describeCommands(plan.commands)}`);
    return;
  }
  log(`AppArmor restricts user namespaces: installing ${plan.source === 'fallback' ? 'a bwrap profile' : plan.source}…`);
  for (const [command, ...commandArgs] of plan.commands) {
    const code = await (sudo.length > 0 ? run(sudo[0], [...sudo.slice(1), command, ...commandArgs]) : run(command, commandArgs));
    if (code !== 0)
      return log(`could not install the AppArmor profile (${command} exited ${code}); run: ${describeCommands(plan.commands)}`);
  }
}

try {
  process.chdir(root);
  await installNodeModules();
  await installPreviewToolchain();
  await installSystemPackages();
  // The executor's compiled stage launcher (bash's stays in use without a C compiler).
  await run(process.execPath, ['packages/executor/native/build.mjs', ...(quiet ? ['--quiet'] : [])]);
  await allowUserNamespaces();
} catch (error) {
  console.error(`[pairpad] setup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
