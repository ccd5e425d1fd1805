// Runs several long-lived processes with prefixed output; Ctrl-C (or one of them dying) stops all.
import { spawn } from 'node:child_process';
import { root } from './lib.mjs';

const COLORS = { backend: '\x1b[35m', frontend: '\x1b[32m' };

export function runTogether(processes) {
  const children = [];
  let stopping = false;

  const stopAll = (exitCode) => {
    if (stopping) return;
    stopping = true;
    // Each child leads its own process group, so npm's grandchildren (next-server) stop too.
    for (const child of children) {
      if (child.exitCode !== null) continue;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
    }
    // Give them the backend's graceful-shutdown window, then exit regardless.
    const timer = setTimeout(() => process.exit(exitCode), 11_000);
    timer.unref();
    Promise.all(children.map((child) => (child.exitCode !== null ? null : new Promise((resolve) => child.once('exit', resolve))))).then(
      () => process.exit(exitCode),
    );
  };

  for (const { name, command, args, env } of processes) {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const prefix = `${COLORS[name] ?? ''}[${name}]\x1b[0m `;
    const forward = (stream, target) => {
      let buffered = '';
      stream.on('data', (chunk) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          target.write(`${prefix}${line}\n`);
          // The first-run setup link is easy to miss among JSON log lines: repeat it plainly.
          const setupLink = /https?:\/\/[^\s"]+\/setup\?code=[A-Za-z0-9_-]+/.exec(line)?.[0];
          if (setupLink) target.write(`\n\x1b[1m[pairpad] No admin yet: open ${setupLink} to create the first admin account.\x1b[0m\n\n`);
        }
      });
    };
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`${prefix}exited (${signal ?? `code ${code}`}); stopping the others`);
        stopAll(code === 0 ? 0 : 1);
      }
    });
    children.push(child);
  }

  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
}
