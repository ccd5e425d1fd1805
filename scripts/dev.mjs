// `npm run dev`: backend (tsx watch) and frontend (next dev), both reloading on change.
import { runTogether } from './processes.mjs';

const backendPort = process.env.PORT ?? '5000';
const frontendPort = process.env.FRONTEND_PORT ?? '3000';
const apiUrl = process.env.NEXT_PUBLIC_API_URL ?? `http://localhost:${backendPort}`;
runTogether([
  {
    name: 'backend',
    command: 'npm',
    args: ['run', 'dev', '-w', 'backend', '--silent'],
    env: { PORT: backendPort, CLIENT_URL: process.env.CLIENT_URL ?? `http://localhost:${frontendPort}` },
  },
  {
    name: 'frontend',
    command: 'npm',
    args: ['run', 'dev', '-w', 'frontend', '--silent'],
    env: { FRONTEND_PORT: frontendPort, API_URL: apiUrl, NEXT_PUBLIC_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1' },
  },
]);
