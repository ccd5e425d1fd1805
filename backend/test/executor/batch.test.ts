import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestExecutor, type StageBody, type TestExecutor } from './helpers';

/** POST /api/v2/pairpad/batch: compile once, run every case, results in the cases' order. */

interface BatchBody {
  language: string;
  version: string;
  compile?: StageBody;
  cases: StageBody[];
}

const echoSum = 'import sys\nnums = [int(x) for x in sys.stdin.read().split()]\nprint(sum(nums), *sys.argv[1:])\n';
const cppSum = '#include <iostream>\nint main(){ long a, s = 0; while (std::cin >> a) s += a; std::cout << s << std::endl; }\n';

describe('executor: batch of test cases (compile once, run many)', () => {
  let ex: TestExecutor;
  const batch = async (body: Record<string, unknown>) => ex.post('/api/v2/pairpad/batch', body);

  before(async () => {
    ex = await startTestExecutor({ EXECUTOR_RUNTIMES: 'python,c++', EXECUTOR_MAX_BATCH_CASES: '8' });
    await ex.handle.ready;
  });
  after(async () => {
    await ex?.close();
  });

  it('runs every case of an interpreted program with its own stdin and args, in order', async () => {
    const { status, body } = await batch({
      language: 'python',
      version: '*',
      files: [{ content: echoSum }],
      cases: [{ stdin: '1 2 3' }, { stdin: '10 20', args: ['x', 'y'] }, { stdin: '' }, { stdin: 'not a number' }],
    });
    assert.equal(status, 200, JSON.stringify(body));
    const result = body as unknown as BatchBody;
    assert.equal(result.compile, undefined);
    assert.deepEqual(
      result.cases.map((c) => c.stdout),
      ['6\n', '30 x y\n', '0\n', ''],
    );
    assert.equal(result.cases[3]?.status, 'RE');
    assert.match(result.cases[3]?.stderr ?? '', /ValueError/);
  });

  it('compiles C++ once and runs each case against the same binary', async () => {
    const cases = Array.from({ length: 6 }, (_, i) => ({ stdin: `${i} ${i}` }));
    const { status, body } = await batch({ language: 'c++', version: '*', files: [{ name: 'main.cpp', content: cppSum }], cases });
    assert.equal(status, 200, JSON.stringify(body));
    const result = body as unknown as BatchBody;
    assert.equal(result.compile?.status, null);
    assert.equal(result.compile?.code, 0);
    assert.deepEqual(
      result.cases.map((c) => c.stdout),
      cases.map((_, i) => `${2 * i}\n`),
    );
  });

  it('answers a compile error once, with no case run', async () => {
    const { status, body } = await batch({
      language: 'c++',
      version: '*',
      files: [{ content: 'int main( {' }],
      cases: [{ stdin: '1' }, { stdin: '2' }],
    });
    assert.equal(status, 200);
    const result = body as unknown as BatchBody;
    assert.equal(result.compile?.status, 'RE');
    assert.match(result.compile?.stderr ?? '', /error/);
    assert.deepEqual(result.cases, []);
  });

  it("applies a case's own time limit to that case only", async () => {
    const { body } = await batch({
      language: 'python',
      version: '*',
      files: [{ content: 'import sys, time\nif sys.stdin.read().strip() == "slow":\n    time.sleep(10)\nprint("done")' }],
      cases: [{ stdin: 'fast' }, { stdin: 'slow', run_timeout: 500 }],
    });
    const result = body as unknown as BatchBody;
    assert.equal(result.cases[0]?.stdout, 'done\n');
    assert.equal(result.cases[1]?.status, 'TO');
  });

  it('refuses bad batches with a message and runs nothing', async () => {
    const base = { language: 'python', version: '*', files: [{ content: 'print(1)' }] };
    const before = ex.handle.health();
    const completedBefore = before.status === 'ok' ? before.queue.completed : -1;
    const expectations: [Record<string, unknown>, RegExp][] = [
      [base, /cases is required as a non-empty array/],
      [{ ...base, cases: [] }, /cases is required as a non-empty array/],
      [{ ...base, cases: Array.from({ length: 9 }, () => ({})) }, /cannot have more than 8 entries/],
      [{ ...base, cases: ['x'] }, /cases\[0\] must be an object/],
      [{ ...base, cases: [{ stdin: 5 }] }, /cases\[0\]\.stdin must be a string/],
      [{ ...base, cases: [{ args: [1] }] }, /cases\[0\]\.args must be an array of strings/],
      [{ ...base, cases: [{ run_timeout: 'soon' }] }, /cases\[0\]\.run_timeout must be a number/],
      [{ ...base, cases: [{ run_timeout: 999_999 }] }, /cases\[0\]\.run_timeout cannot exceed the limit of 3000/],
      [{ ...base, language: 'cobol', cases: [{}] }, /cobol-\* runtime is unknown/],
    ];
    for (const [body, message] of expectations) {
      const response = await batch(body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(String(response.body.message), message);
    }
    const afterHealth = ex.handle.health();
    assert.equal(afterHealth.status === 'ok' ? afterHealth.queue.completed : -2, completedBefore, 'no job ran');
  });
});
