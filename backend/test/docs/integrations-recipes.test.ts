/**
 * docs/integrations.md's signature recipes, run as written (the Node one in this process, the
 * Python one with python3) against a signature made by the backend's own signer: a recipe that
 * drifts from the scheme fails here.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { signatureHeader } from '../../src/webhooks';

const doc = readFileSync(new URL('../../../docs/integrations.md', import.meta.url), 'utf8');
const secret = 'whsec_recipe-test-secret';
const body = JSON.stringify({ id: 'evt_1', type: 'interview.ended', data: { interview: { title: 'Fünf' } } });
const now = Math.floor(Date.now() / 1000);

function between(start: string, end: string): string {
  const from = doc.indexOf(start);
  const to = doc.indexOf(end, from);
  assert.ok(from >= 0 && to > from, `docs/integrations.md holds "${start}" … "${end}"`);
  return doc.slice(from, to);
}

describe('docs/integrations.md signature recipes', () => {
  it('the Node recipe accepts a real signature and refuses a changed body, a wrong secret and an old timestamp', () => {
    const source = between('function verify(header, rawBody', "app.post('/pairpad'");
    const make = (key: string) =>
      new Function('crypto', 'secret', `${source}; return verify;`)(crypto, key) as (header: string, raw: Buffer) => boolean;
    const verify = make(secret);
    assert.equal(verify(signatureHeader(secret, body, now), Buffer.from(body)), true);
    assert.equal(verify(signatureHeader(secret, body, now), Buffer.from(`${body} `)), false);
    assert.equal(make('whsec_other')(signatureHeader(secret, body, now), Buffer.from(body)), false);
    assert.equal(verify(signatureHeader(secret, body, now - 3_600), Buffer.from(body)), false);
  });

  it('the Python recipe does the same', () => {
    const source = between('def verify(header', '@app.post("/pairpad")');
    const script = `import hashlib, hmac, json, sys, time
SECRET = ${JSON.stringify(secret)}.encode()
${source}
cases = json.load(sys.stdin)
print(json.dumps([verify(case["header"], case["body"].encode()) for case in cases]))`;
    const cases = [
      { header: signatureHeader(secret, body, now), body },
      { header: signatureHeader(secret, body, now), body: `${body} ` },
      { header: signatureHeader('whsec_other', body, now), body },
      { header: signatureHeader(secret, body, now - 3_600), body },
    ];
    const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), [true, false, false, false]);
  });
});
