import { promises as fs } from 'node:fs';

/**
 * The processes that wrap a program in its sandbox: bwrap (the outer one we spawned and the
 * init of the job's pid namespace) and the privilege/mount tools that exec into it. A signal
 * meant for the program (Ctrl+C in a console) must reach the program, not these: bwrap would
 * die of a SIGINT and take the job with it, reported as an internal failure.
 */
const WRAPPERS = new Set(['bwrap', 'setpriv', 'unshare']);

/** Parent pid and command name of every process, read from /proc (host pids). */
async function processTable(): Promise<Map<number, { ppid: number; comm: string }>> {
  const table = new Map<number, { ppid: number; comm: string }>();
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so cut at the last ')'.
    const close = stat.lastIndexOf(')');
    if (close < 0) continue;
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    table.set(Number(entry), { ppid, comm });
  }
  return table;
}

/**
 * Sends `signal` to every process under `rootPid` (itself included) that is not one of the
 * sandbox's wrappers. A program that renames itself "bwrap" only spares itself a Ctrl+C; the
 * limits and Stop's SIGKILL take the whole tree down regardless. Returns how many were signalled.
 */
export async function signalProgramTree(rootPid: number, signal: number): Promise<number> {
  const table = await processTable();
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of table) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  let signalled = 0;
  const stack = [rootPid];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const info = table.get(pid);
    if (info && !WRAPPERS.has(info.comm)) {
      try {
        process.kill(pid, signal);
        signalled++;
      } catch {
        // exited meanwhile, or not ours to signal
      }
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return signalled;
}
