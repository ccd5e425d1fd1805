// PairPad under pm2 on a plain VM (see docs/deploy.md, "Plain VM").
//   npm ci && npm run build
//   pm2 start deploy/pm2/ecosystem.config.cjs --env production
// Edit the URLs below (or export them before `pm2 start`): CLIENT_URL is the frontend origin
// the browser uses, API_URL the backend origin the browser uses; BACKEND_PORT (5000) and
// FRONTEND_PORT (3000) the loopback ports the two listen on.
// Runs as whichever user starts pm2, root or not: nothing is written inside the checkout (which
// may belong to root), and the executor's work dir is that user's own, in the system temp dir.
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const backendPort = process.env.BACKEND_PORT || '5000';
const frontendPort = process.env.FRONTEND_PORT || '3000';
const clientUrl = process.env.CLIENT_URL || `http://localhost:${frontendPort}`;
const apiUrl = process.env.API_URL || `http://localhost:${backendPort}`;

module.exports = {
  apps: [
    {
      name: 'pairpad-backend',
      cwd: root,
      script: 'backend/dist/server.js',
      // One process: rooms live in memory unless REDIS_URL is set (then run several).
      instances: 1,
      exec_mode: 'fork',
      // The graceful shutdown lets running jobs finish (SHUTDOWN_TIMEOUT_MS, default 10 s).
      kill_timeout: 15000,
      max_memory_restart: '1500M',
      env_production: {
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: backendPort,
        CLIENT_URL: clientUrl,
        // Per-job staging. One directory per uid, so two users' executors never share (or
        // fight over) one; `EXECUTOR_WORK_DIR=... pm2 start ...` overrides it.
        EXECUTOR_WORK_DIR: process.env.EXECUTOR_WORK_DIR || path.join(os.tmpdir(), `pairpad-executor-${os.userInfo().uid}`),
      },
    },
    {
      name: 'pairpad-frontend',
      cwd: path.join(root, 'frontend'),
      script: path.join(root, 'frontend', 'serve', 'server.mjs'),
      args: `-H 127.0.0.1 -p ${frontendPort}`,
      instances: 1,
      exec_mode: 'fork',
      env_production: {
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        API_URL: apiUrl,
      },
    },
  ],
};
