import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import openapiTS, { astToString } from 'openapi-typescript';
import { API_V1_ROUTES, openApiPath } from '@pairpad/protocol';
import type { BackendHandle } from '../../src/server';
import { memberAgent, startTestBackend } from '../helpers/test-backend';
import { waitFor } from '../helpers/wait-for';
import { servedRoutes } from '../helpers/served-routes';
import { createToken } from './api-helpers';

const WORKSPACE_MODULES = fileURLToPath(new URL('../../../node_modules', import.meta.url));
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** What an integrator writes: openapi-fetch typed by the generated `paths`. */
const GENERATED_CLIENT = `
import createClient from 'openapi-fetch';
import type { paths } from './pairpad-api.mjs';

const client = createClient<paths>({ baseUrl: process.env.PAIRPAD_URL!, headers: { authorization: \`Bearer \${process.env.PAIRPAD_TOKEN}\` } });
const created = await client.POST('/api/v1/interviews', {
  body: { title: 'Generated client', language: 'python', candidateName: 'Gen Client', candidateEmail: 'gen@candidates.test' },
});
if (!created.data) throw new Error(JSON.stringify(created.error));
const id: string = created.data.interview.id;
const got = await client.GET('/api/v1/interviews/{id}', { params: { path: { id } } });
if (!got.data) throw new Error(JSON.stringify(got.error));
let listed = false;
for (let attempt = 0; attempt < 100 && !listed; attempt++) {
  const page = await client.GET('/api/v1/interviews', { params: { query: { q: 'gen client', limit: 10 } } });
  listed = (page.data?.items ?? []).some((item) => item.id === id);
  if (!listed) await new Promise((resolve) => setTimeout(resolve, 50));
}
const bad = await client.GET('/api/v1/interviews', { params: { query: { limit: 1000 } } });
console.log(JSON.stringify({ created: id, got: got.data.id, listed, badLimit: bad.error?.error.code }));
`;

type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; security: unknown[] }>>;
  components: { securitySchemes: Record<string, unknown> };
};

describe('/api/v1/openapi.json', () => {
  let backend: BackendHandle;
  let document: OpenApiDocument;
  before(async () => {
    backend = await startTestBackend();
    // Public: no token, no cookie.
    const response = await fetch(`${backend.url}/api/v1/openapi.json`);
    assert.equal(response.status, 200);
    document = (await response.json()) as OpenApiDocument;
  });
  after(() => backend.close());

  it('lists exactly the /api/v1 routes Express serves, and each with its table row', () => {
    const served = servedRoutes(backend.app)
      .filter((route) => route.split(' ')[1]!.startsWith('/api/v1/'))
      .map((route) => {
        const [method, path] = route.split(' ');
        return `${method} ${openApiPath(path!)}`;
      })
      .sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    assert.deepEqual(documented, served);
    assert.equal(documented.length, API_V1_ROUTES.length);
    assert.equal(document.openapi, '3.1.0');
    assert.deepEqual(document.components.securitySchemes.bearer, {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'ppk_… personal API token',
    });
    // Every route but the document itself asks for the bearer token.
    assert.deepEqual(document.paths['/api/v1/openapi.json']!.get!.security, []);
    assert.deepEqual(document.paths['/api/v1/interviews']!.post!.security, [{ bearer: [] }]);
  });

  it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as unknown as Record<string, unknown>);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, '3.1');
  });

  it('drives a client generated from it (openapi-typescript + openapi-fetch), typechecked: create → get → list', async () => {
    // The generated types and a client written against them, in a temp folder that sees the
    // workspace's node_modules; tsc checks the client against the types, then it runs.
    const dir = mkdtempSync(join(tmpdir(), 'pairpad-openapi-'));
    try {
      writeFileSync(join(dir, 'pairpad-api.mts'), astToString(await openapiTS(structuredClone(document) as never)));
      writeFileSync(join(dir, 'client.mts'), GENERATED_CLIENT);
      symlinkSync(WORKSPACE_MODULES, join(dir, 'node_modules'));
      const tsc = spawnSync(
        process.execPath,
        [
          TSC,
          '--noEmit',
          '--strict',
          '--skipLibCheck',
          '--target',
          'es2022',
          '--module',
          'nodenext',
          '--moduleResolution',
          'nodenext',
          '--types',
          'node',
          join(dir, 'client.mts'),
        ],
        { encoding: 'utf8', cwd: dir },
      );
      assert.equal(tsc.status, 0, `the client does not typecheck against the generated types:\n${tsc.stdout}${tsc.stderr}`);

      const admin = await memberAgent(backend);
      const token = await createToken(admin, ['read', 'write']);
      // Asynchronously: the backend answers from this very process.
      const run = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(dir, 'client.mts')], {
        encoding: 'utf8',
        cwd: dir,
        env: { ...process.env, PAIRPAD_URL: backend.url, PAIRPAD_TOKEN: token.secret },
        timeout: 60_000,
      });
      const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
        created: string;
        got: string;
        listed: boolean;
        badLimit: string;
      };
      assert.equal(result.got, result.created);
      assert.equal(result.listed, true);
      assert.equal(result.badLimit, 'VALIDATION_FAILED');
      const kept = (await waitFor(() => backend.interviews.get(result.created), { what: 'the interview in the archive' }))!;
      assert.equal(kept.candidateEmail, 'gen@candidates.test');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
