// `npm start`: builds what is missing or stale, then runs the backend (with its embedded
// executor) on :5000 and the frontend on :3000 in production mode. Ctrl-C stops both.
// `node scripts/start.mjs backend|frontend` runs one of them.
import { log, mtimeOf, newestMtime, run } from './lib.mjs';
import { runTogether } from './processes.mjs';

const only = process.argv[2];
const wants = (name) => !only || only === name;
const backendPort = process.env.PORT ?? '5000';
const frontendPort = process.env.FRONTEND_PORT ?? '3000';
const apiUrl = process.env.NEXT_PUBLIC_API_URL ?? process.env.API_URL ?? `http://localhost:${backendPort}`;
const clientUrl = process.env.CLIENT_URL ?? `http://localhost:${frontendPort}`;

async function buildIfStale(name, output, sources, script) {
  if (mtimeOf(output) >= newestMtime(sources)) return;
  log(`building the ${name}…`);
  const code = await run('npm', ['run', script, '-w', name], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (code !== 0) {
    console.error(`[pairpad] the ${name} build failed`);
    process.exit(code);
  }
}

if (wants('backend'))
  await buildIfStale(
    'backend',
    'backend/dist/server.js',
    ['backend/src', 'backend/build.mjs', 'backend/package.json', 'packages/protocol/src', 'packages/executor/src'],
    'build',
  );
if (wants('frontend')) {
  await buildIfStale('frontend', 'frontend/.next/BUILD_ID', ['frontend', 'packages/protocol', 'packages/client'], 'build');
}

const processes = [];
if (wants('backend')) {
  processes.push({
    name: 'backend',
    command: 'node',
    args: ['backend/dist/server.js'],
    env: { NODE_ENV: process.env.NODE_ENV ?? 'production', PORT: backendPort, CLIENT_URL: clientUrl },
  });
}
if (wants('frontend')) {
  processes.push({
    name: 'frontend',
    command: 'npm',
    args: ['run', 'start', '-w', 'frontend', '--silent'],
    env: {
      NODE_ENV: 'production',
      FRONTEND_PORT: frontendPort,
      API_URL: apiUrl,
      NEXT_PUBLIC_API_URL: apiUrl,
      NEXT_TELEMETRY_DISABLED: '1',
    },
  });
}
log(
  [
    wants('frontend') ? `frontend → http://localhost:${frontendPort}` : null,
    wants('backend') ? `backend → http://localhost:${backendPort}` : null,
    'Ctrl-C stops',
  ]
    .filter(Boolean)
    .join('   '),
);
runTogether(processes);
