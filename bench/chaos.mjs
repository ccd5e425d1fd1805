// The chaos run of issue 26, at full length: two backends on one redis-server, 20 rooms with one
// participant per node typing unique characters at 5/s, one node SIGKILLed and restarted every
// 20 s, Redis restarted once; RUNS runs in a row per Redis mode (without persistence, with AOF).
// The same driver as the test (backend/test/scale/chaos-driver.ts), longer.
//
//   node --import tsx bench/chaos.mjs [seconds=90] [runs=3] [modes=no-persistence,aof] [seed=1]
//
// Results go to bench/RESULTS.md under "No edit lost under chaos (issue 26)".
import { describeChaos, runChaos } from '../backend/test/scale/chaos-driver.ts';
import { fmt, machineLine, summarize, writeResultsSection } from './bench-utils.mjs';

const SECONDS = Number(process.argv[2] ?? 90);
const RUNS = Number(process.argv[3] ?? 3);
const MODES = (process.argv[4] ?? 'no-persistence,aof').split(',');
const FIRST_SEED = Number(process.argv[5] ?? 1);
const machine = machineLine();
// Stopped early: exit through 'exit', where the harness kills the backends and redis-server it started.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const rows = [];
const resyncs = [];
const intro = `\`node --import tsx bench/chaos.mjs ${SECONDS} ${RUNS} ${MODES.join(',')} ${FIRST_SEED}\` on ${machine}. Two backends (from source, tsx) on one
redis-server, 20 rooms, one participant per node each typing unique characters at 5/s for ${SECONDS} s at random places, a
node SIGKILLed and restarted every 20 s (which node is drawn from the seed), Redis restarted once (down 1 s; without persistence it comes back
empty). One fault at a time: a fault waits until every client is back from the previous one, plus 5 s, so on a slow machine
the schedule slips and typing goes on until the last fault is over. Clients reach their node through a TCP proxy that is
re-pointed at the restarted node. Counted after typing stops: every keystroke in both clients' copies and a fresh joiner's;
"restart" is SIGKILL → the new process answers /health; "resync" is /health answering → every client connected and synced again.`;

/** Written after every run, so a run that crashes the harness leaves the earlier ones recorded. */
function write() {
  const all = summarize(resyncs);
  writeResultsSection(
    'No edit lost under chaos (issue 26)',
    `${intro}

| Redis | run | seed | edits | missing | duplicated | diverged rooms | clients at the end | restarts | restart (s) | resync (s) | Redis restart at (s) |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Resync after a node restart over these runs: median ${fmt(all.p50 / 1000, 2)} s, p95 ${fmt(all.p95 / 1000, 2)} s, max ${fmt(all.max / 1000, 2)} s (${all.count} restarts).`,
  );
}

let seed = FIRST_SEED;
for (const redis of MODES) {
  for (let run = 1; run <= RUNS; run++, seed++) {
    console.log(`\n=== Redis ${redis}, run ${run}/${RUNS}, seed ${seed}`);
    let result;
    try {
      result = await runChaos({ seed, redis, seconds: SECONDS, log: (line) => console.log(line) });
    } catch (error) {
      // The harness itself failed (a node that would not start on an overloaded machine): say so.
      console.log(String(error).slice(0, 2_000));
      rows.push(`| ${redis} | ${run} | ${seed} | harness failed: ${String(error).split('\n')[0].slice(0, 120)} | | | | | | | | |`);
      write();
      continue;
    }
    console.log(describeChaos(result));
    for (const problem of result.problems.slice(0, 10)) console.log(`  ${problem}`);
    const times = result.restarts.map((restart) => restart.resyncMs);
    resyncs.push(...times);
    const restartMs = result.restarts.map((restart) => restart.restartMs);
    const range = (values, digits) =>
      values.length ? `${fmt(Math.min(...values) / 1000, digits)}–${fmt(Math.max(...values) / 1000, digits)}` : 'n/a';
    const statuses = Object.entries(result.clientStatuses)
      .map(([status, count]) => `${count} ${status}`)
      .join(', ');
    const fatal = Object.keys(result.fatalErrors).length ? `; fatal ${JSON.stringify(result.fatalErrors)}` : '';
    rows.push(
      `| ${redis} | ${run} | ${seed} | ${result.edits} | ${result.missing} | ${result.duplicated} | ${result.diverged} | ${statuses}${fatal} | ${result.restarts.length} | ${range(restartMs, 1)} | ${range(times, 1)} | ${fmt(result.redisRestartAtMs / 1000, 0)} |`,
    );
    write();
  }
}
