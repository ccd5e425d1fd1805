import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { REST_ROUTES } from '@pairpad/protocol';
import { API_DOC_PATH, renderApiDoc } from '../../../scripts/api-docs';
import type { BackendHandle } from '../../src/server';
import { startTestBackend } from '../helpers/test-backend';
import { servedRoutes } from '../helpers/served-routes';

describe('docs/api.md', () => {
  let backend: BackendHandle;
  before(async () => {
    // A remote Piston that is never called: no embedded executor needed to list the routes.
    backend = await startTestBackend({ PISTON_URL: 'http://127.0.0.1:9' });
  });
  after(() => backend.close());

  it('matches the REST and socket tables it is generated from (run `npm run docs:api` to update)', () => {
    assert.equal(readFileSync(API_DOC_PATH, 'utf8'), renderApiDoc());
  });

  it('lists exactly the routes the backend serves (a new route is a row of REST_ROUTES)', () => {
    const served = servedRoutes(backend.app).sort();
    const documented = REST_ROUTES.map((route) => `${route.method} ${route.path}`).sort();
    assert.deepEqual(served, documented);
  });
});
