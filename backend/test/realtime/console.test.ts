import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SocketYjsProvider } from '@pairpad/client';
import type { Ack, ConsoleEntries, ConsoleEntry, ConsoleTranscript, InterviewReport, RunRecord, Timeline } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { createSession, startBackendWithExecutor, startTestBackend, trackedClients, waitSynced } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { listenForRuns, setCode, setStdin, startRun, waitFinished, type RunLog } from '../runs/run-helpers';
import { startFakePiston, stage, type FakePiston } from '../runs/fake-piston';

/**
 * The room's console against the real backend, its embedded executor (real sandbox, driven
 * over /api/v2/connect) and real Socket.IO clients.
 */

/** Every console entry a participant heard, per run, checked for gaps and repeats. */
interface ConsoleLog {
  entries(jobId: string): ConsoleEntry[];
  text(jobId: string): string;
  /** The run's state (as this participant last heard it) when each entry arrived. */
  statesAtArrival(jobId: string): string[];
}

function listenForConsole(provider: SocketYjsProvider, runs: RunLog): ConsoleLog {
  const byJob = new Map<string, ConsoleEntry[]>();
  const states = new Map<string, string[]>();
  provider.socket.on('console:entries', ({ jobId, start, entries }: ConsoleEntries) => {
    const list = byJob.get(jobId) ?? [];
    assert.equal(start, list.length, `entries of ${jobId} arrive in order, without gaps or repeats`);
    list.push(...entries);
    byJob.set(jobId, list);
    states.set(jobId, [...(states.get(jobId) ?? []), runs.latest(jobId)?.state ?? 'unknown']);
  });
  provider.socket.on('console:history', ({ transcripts }: { transcripts: ConsoleTranscript[] }) => {
    for (const transcript of transcripts) byJob.set(transcript.jobId, [...transcript.entries]);
  });
  const entries = (jobId: string) => byJob.get(jobId) ?? [];
  return {
    entries,
    text: (jobId) =>
      entries(jobId)
        .map((entry) => (entry.kind === 'stdout' || entry.kind === 'stderr' || entry.kind === 'stdin' ? entry.text : ''))
        .join(''),
    statesAtArrival: (jobId) => states.get(jobId) ?? [],
  };
}

function send(provider: SocketYjsProvider, event: 'console:input' | 'console:eof' | 'console:signal', payload: unknown): Promise<Ack> {
  // Unchecked on purpose: tests send what the server must refuse.
  return provider.request(event, payload as never) as Promise<Ack>;
}

async function sendOk(
  provider: SocketYjsProvider,
  event: 'console:input' | 'console:eof' | 'console:signal',
  payload: unknown,
): Promise<void> {
  const ack = await send(provider, event, payload);
  assert.ok(ack.ok, `${event} refused: ${JSON.stringify(ack)}`);
}

function errorCode(ack: Ack): string | undefined {
  return ack.ok ? undefined : ack.error.code;
}

describe("the room's console: streamed output, shared stdin, stop", () => {
  let backend: BackendHandle;
  const { connect: client } = trackedClients(() => backend);

  before(async () => {
    backend = await startBackendWithExecutor('python,c,bash', { EXECUTOR_CONNECT_IDLE_TIMEOUT: '30000' });
  });
  after(async () => {
    await backend?.close();
  });

  async function room() {
    const session = await createSession(backend);
    const ivy = client({ sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const cleo = client({ sessionId: session.id, name: 'Cleo' });
    await Promise.all([waitSynced(ivy), waitSynced(cleo)]);
    const ivyRuns = listenForRuns(ivy);
    const cleoRuns = listenForRuns(cleo);
    return {
      session,
      ivy,
      cleo,
      ivyRuns,
      cleoRuns,
      ivyConsole: listenForConsole(ivy, ivyRuns),
      cleoConsole: listenForConsole(cleo, cleoRuns),
    };
  }

  it('a prompt, the line the candidate typed (with her name) and the answer reach both participants live', async () => {
    const { session, ivy, cleo, ivyRuns, cleoRuns, ivyConsole, cleoConsole } = await room();
    setCode(cleo, 'name = input("Your name? ")\nprint(f"Hello, {name}!")\n');
    await waitFor(() => backend.rooms.get(session.id)?.doc.getText('code').toString().includes('Hello'), { what: 'code on the server' });
    const run = await startRun(cleo);
    assert.equal(run.interactive, true, "an empty Input box makes the console the program's stdin");
    await waitFor(() => ivyConsole.text(run.jobId) === 'Your name? ' && cleoConsole.text(run.jobId) === 'Your name? ', {
      what: 'the prompt on both pages',
    });
    assert.equal(ivyRuns.latest(run.jobId)?.state, 'running', 'the prompt came while the program waits');
    await sendOk(cleo, 'console:input', { jobId: run.jobId, text: 'Ada\n' });
    const finished = await waitFinished(ivyRuns, run.jobId);
    await waitFinished(cleoRuns, run.jobId);
    assert.equal(finished.result?.outcome, 'success');
    assert.equal(finished.result?.run?.stdout, 'Your name? Hello, Ada!\n');
    for (const log of [ivyConsole, cleoConsole]) {
      assert.equal(log.text(run.jobId), 'Your name? Ada\nHello, Ada!\n');
      const typed = log.entries(run.jobId).find((entry) => entry.kind === 'stdin');
      assert.deepEqual({ name: typed?.name, role: typed?.role, text: typed?.text }, { name: 'Cleo', role: 'candidate', text: 'Ada\n' });
    }
    // Recorded: the timeline and the report carry the transcript.
    const headers = { authorization: `Bearer ${session.interviewerToken}` };
    const timeline = (await (await fetch(`${backend.url}/api/sessions/${session.id}/timeline`, { headers })).json()) as Timeline;
    const recorded = timeline.consoles?.find((transcript) => transcript.jobId === run.jobId);
    assert.deepEqual(
      recorded?.entries.map((entry) => entry.kind),
      ['stdout', 'stdin', 'stdout'],
    );
    const report = (await (await fetch(`${backend.url}/api/sessions/${session.id}/report`, { headers })).json()) as InterviewReport;
    assert.ok(report.runs.find((entry) => entry.jobId === run.jobId)?.interactive);
    assert.equal(report.consoles?.find((transcript) => transcript.jobId === run.jobId)?.entries.length, 3);
    // A late joiner gets the transcript with the history.
    const late = client({ sessionId: session.id, name: 'Late' });
    const lateConsole = listenForConsole(late, listenForRuns(late));
    await waitSynced(late);
    await waitFor(() => lateConsole.text(run.jobId) === 'Your name? Ada\nHello, Ada!\n', { what: 'the transcript at join' });
    void ivy;
  });

  it("streams an ordinary run's progress before it ends; the Input box still feeds stdin to its end", async () => {
    const { ivy, ivyRuns, ivyConsole } = await room();
    setStdin(ivy, '3\n');
    const run = await startRun(ivy, {
      code: 'import sys, time\nn = int(sys.stdin.read())\nfor i in range(n):\n    print("step", i, flush=True)\n    time.sleep(0.4)\n',
    });
    assert.equal(run.interactive, undefined, 'the Input box, not the console, is its stdin');
    const finished = await waitFinished(ivyRuns, run.jobId);
    assert.equal(finished.result?.run?.stdout, 'step 0\nstep 1\nstep 2\n');
    assert.equal(ivyConsole.text(run.jobId), 'step 0\nstep 1\nstep 2\n');
    assert.ok(
      ivyConsole.statesAtArrival(run.jobId).filter((state) => state === 'running').length >= 2,
      `output came while running: ${ivyConsole.statesAtArrival(run.jobId).join(',')}`,
    );
    const ack = await send(ivy, 'console:input', { jobId: run.jobId, text: 'x\n' });
    assert.equal(errorCode(ack), 'RUN_NOT_RUNNING');
  });

  it('Ctrl+C sends SIGINT to the program; Stop (SIGKILL) ends one that ignores it', async () => {
    const { cleo, ivyRuns, ivyConsole } = await room();
    const first = await startRun(cleo, { code: 'import time\nprint("looping", flush=True)\nwhile True:\n    time.sleep(0.05)\n' });
    await waitFor(() => ivyConsole.text(first.jobId).includes('looping'), { what: 'the loop started' });
    await sendOk(cleo, 'console:signal', { jobId: first.jobId, signal: 'SIGINT' });
    const interrupted = await waitFinished(ivyRuns, first.jobId);
    assert.equal(interrupted.result?.outcome, 'signal');
    assert.match(interrupted.result?.run?.stderr ?? '', /KeyboardInterrupt/);
    // Told as the stop it was, with who made it: not "Killed by signal SIGINT".
    assert.equal(interrupted.result?.statusText, 'Stopped by Cleo');
    assert.equal(interrupted.result?.stoppedBy, 'Cleo');
    assert.deepEqual(
      ivyConsole
        .entries(first.jobId)
        .filter((entry) => entry.kind === 'signal')
        .map((entry) => [entry.text, entry.name]),
      [['SIGINT', 'Cleo']],
    );

    const second = await startRun(cleo, {
      language: 'bash',
      code: 'trap "echo ignored INT" INT\necho ready\nwhile true; do sleep 0.1; done\n',
    });
    await waitFor(() => ivyConsole.text(second.jobId).includes('ready'), { what: 'the trap set' });
    await sendOk(cleo, 'console:signal', { jobId: second.jobId, signal: 'SIGINT' });
    await waitFor(() => ivyConsole.text(second.jobId).includes('ignored INT'), { what: 'SIGINT trapped' });
    await sendOk(cleo, 'console:signal', { jobId: second.jobId, signal: 'SIGKILL' });
    const killed = await waitFinished(ivyRuns, second.jobId);
    assert.equal(killed.result?.run?.signal, 'SIGKILL');
    assert.equal(killed.result?.statusText, 'Stopped by Cleo', 'the first stop names the stopper; the SIGKILL after it changes nothing');
  });

  it("Ctrl+D ends a cat-style program's input", async () => {
    const { ivy, ivyRuns, ivyConsole } = await room();
    const run = await startRun(ivy, { language: 'bash', code: 'cat\necho "[done]"\n' });
    await waitFor(() => ivyRuns.latest(run.jobId)?.state === 'running', { what: 'running' });
    await sendOk(ivy, 'console:input', { jobId: run.jobId, text: 'echo me\n' });
    await waitFor(() => ivyConsole.text(run.jobId) === 'echo me\necho me\n', {
      what: `the echo (got ${JSON.stringify(ivyConsole.entries(run.jobId))} ${JSON.stringify(ivyRuns.latest(run.jobId))})`,
    });
    await sendOk(ivy, 'console:eof', { jobId: run.jobId });
    const finished = await waitFinished(ivyRuns, run.jobId);
    assert.equal(finished.result?.run?.stdout, 'echo me\n[done]\n');
  });

  describe('bad input: a named error and nothing changes', () => {
    it('refuses input from a candidate while Run is off for candidates, oversized lines, unknown runs and malformed payloads', async () => {
      const { ivy, cleo, ivyRuns, ivyConsole, cleoConsole } = await room();
      const run = await startRun(ivy, { code: 'while True:\n    line = input()\n    print("got", line)\n' });
      await waitFor(() => ivyRuns.latest(run.jobId)?.state === 'running', { what: 'running' });
      assert.ok((await ivy.request('room:disable-run', { disabled: true })).ok);
      assert.equal(errorCode(await send(cleo, 'console:input', { jobId: run.jobId, text: 'sneaky\n' })), 'FORBIDDEN');
      assert.equal(errorCode(await send(cleo, 'console:signal', { jobId: run.jobId, signal: 'SIGKILL' })), 'FORBIDDEN');
      assert.equal(errorCode(await send(ivy, 'console:input', { jobId: run.jobId, text: 'x'.repeat(5000) })), 'PAYLOAD_TOO_LARGE');
      assert.equal(
        errorCode(await send(ivy, 'console:input', { jobId: '00000000-0000-4000-8000-000000000000', text: 'x\n' })),
        'JOB_NOT_FOUND',
      );
      assert.equal(errorCode(await send(ivy, 'console:input', { text: 'x\n' })), 'VALIDATION_FAILED');
      assert.equal(errorCode(await send(ivy, 'console:signal', { jobId: run.jobId, signal: 'SIGTERM' })), 'VALIDATION_FAILED');
      // The interviewer may still type; only that line reached the program and the transcript.
      await sendOk(ivy, 'console:input', { jobId: run.jobId, text: 'hello\n' });
      await waitFor(() => cleoConsole.text(run.jobId) === 'hello\ngot hello\n', { what: 'the allowed line and its answer' });
      assert.equal(ivyConsole.entries(run.jobId).filter((entry) => entry.kind === 'stdin').length, 1);
      await sendOk(ivy, 'console:signal', { jobId: run.jobId, signal: 'SIGKILL' });
      await waitFinished(ivyRuns, run.jobId);
      assert.equal(
        errorCode(await send(ivy, 'console:input', { jobId: run.jobId, text: 'late\n' })),
        'RUN_NOT_RUNNING',
        'input after exit',
      );
      assert.equal(ivyConsole.entries(run.jobId).filter((entry) => entry.kind === 'stdin').length, 1, 'nothing was added after the exit');
    });

    it('caps a stdin flood at the per-run limit and an output flood at the output cap', async () => {
      const { ivy, ivyRuns, ivyConsole } = await room();
      const run = await startRun(ivy, { code: 'import sys\nfor line in sys.stdin:\n    pass\n' });
      await waitFor(() => ivyRuns.latest(run.jobId)?.state === 'running', { what: 'running' });
      const line = `${'y'.repeat(4000)}\n`;
      const acks: Ack[] = [];
      for (let i = 0; i < 20; i++) acks.push(await send(ivy, 'console:input', { jobId: run.jobId, text: line }));
      const accepted = acks.filter((ack) => ack.ok).length;
      assert.equal(accepted, 16, '64 KiB of input per run');
      assert.ok(acks.slice(16).every((ack) => errorCode(ack) === 'PAYLOAD_TOO_LARGE'));
      await sendOk(ivy, 'console:eof', { jobId: run.jobId });
      await waitFinished(ivyRuns, run.jobId);

      const flood = await startRun(ivy, { code: 'import sys\nwhile True:\n    sys.stdout.write("z" * 4096)\n' });
      const finished = await waitFinished(ivyRuns, flood.jobId);
      assert.equal(finished.result?.outcome, 'output-truncated');
      assert.equal(ivyConsole.text(flood.jobId).length, 65_536, 'the console holds exactly the output cap');
      assert.ok(ivyConsole.entries(flood.jobId).length < 200, `merged into few entries (${ivyConsole.entries(flood.jobId).length})`);
    });

    it('refuses console input to a run that reads the Input box', async () => {
      const { ivy, ivyRuns } = await room();
      setStdin(ivy, 'from the box\n');
      const run = await startRun(ivy, { code: 'import time\nprint(input())\ntime.sleep(2)\n' });
      await waitFor(() => ivyRuns.latest(run.jobId)?.state === 'running', { what: 'running' });
      assert.equal(errorCode(await send(ivy, 'console:input', { jobId: run.jobId, text: 'x\n' })), 'RUN_NOT_INTERACTIVE');
      assert.equal(errorCode(await send(ivy, 'console:eof', { jobId: run.jobId })), 'RUN_NOT_INTERACTIVE');
      await sendOk(ivy, 'console:signal', { jobId: run.jobId, signal: 'SIGKILL' });
      await waitFinished(ivyRuns, run.jobId);
    });

    it('a participant who disconnects mid-run leaves it running for the others', async () => {
      const { ivy, cleo, ivyRuns, ivyConsole } = await room();
      const run: RunRecord = await startRun(cleo, { code: 'name = input("name? ")\nprint("bye", name)\n' });
      await waitFor(() => ivyConsole.text(run.jobId) === 'name? ', { what: 'the prompt' });
      cleo.destroy();
      await waitFor(() => backend.rooms.get(run.sessionId)?.size === 1, { what: 'Cleo gone' });
      assert.equal(ivyRuns.latest(run.jobId)?.state, 'running');
      await sendOk(ivy, 'console:input', { jobId: run.jobId, text: 'Cleo\n' });
      const finished = await waitFinished(ivyRuns, run.jobId);
      assert.equal(finished.result?.run?.stdout, 'name? bye Cleo\n');
    });
  });
});

describe('the console against a Piston without /api/v2/connect', () => {
  let backend: BackendHandle;
  let piston: FakePiston;
  const clients = trackedClients(() => backend);

  before(async () => {
    piston = await startFakePiston();
    piston.executeReplies.set('python', {
      status: 200,
      delayMs: 1500,
      body: { language: 'python', version: '3.11.0', run: stage({ stdout: 'at the end\n', output: 'at the end\n' }) },
    });
    backend = await startTestBackend({ PISTON_URL: piston.url, EXECUTION_RUNS_PER_MINUTE_PER_CLIENT: '1000' });
  });
  after(async () => {
    await backend?.close();
    await piston?.close();
  });

  it('runs through execute as before, non-interactively: console input is refused, the result arrives whole', async () => {
    const session = await createSession(backend);
    const ivy = clients.connect({ sessionId: session.id, name: 'Ivy', token: session.interviewerToken });
    const runs = listenForRuns(ivy);
    await waitSynced(ivy);
    const run = await startRun(ivy, { code: 'print(input())\n' });
    assert.equal(run.interactive, undefined, 'no connect there: the run is not interactive');
    await waitFor(() => runs.latest(run.jobId)?.state === 'running', { what: 'running' });
    assert.equal(errorCode(await send(ivy, 'console:input', { jobId: run.jobId, text: 'x\n' })), 'RUN_NOT_INTERACTIVE');
    const finished = await waitFinished(runs, run.jobId);
    assert.equal(finished.result?.run?.stdout, 'at the end\n');
    assert.equal(piston.requests.filter((request) => request.path === '/api/v2/execute').length, 1);
    assert.equal(errorCode(await send(ivy, 'console:input', { jobId: run.jobId, text: 'x\n' })), 'RUN_NOT_RUNNING');
  });
});
