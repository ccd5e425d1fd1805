import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dockerignoreMatcher, exists, parseDockerfile, readRepoFile, type DockerStage } from './deploy-helpers';

/**
 * The Dockerfiles, checked by reading them (no Docker engine here, so images are never built
 * in the tests): multi-stage, non-root final stage, a health check, sources that exist in the
 * build context and are not excluded by .dockerignore.
 */

const ignored = dockerignoreMatcher(readRepoFile('.dockerignore'));

const instructions = (stage: DockerStage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

/** A stage and the stages it is built FROM, innermost first: what ends up in its image. */
function lineage(stages: DockerStage[], stage: DockerStage): DockerStage[] {
  const parent = stages.find((candidate) => candidate.name === stage.from);
  return parent ? [stage, ...lineage(stages, parent)] : [stage];
}

/** Instructions of an image, its own stage's and its parents'. */
const imageInstructions = (stages: DockerStage[], stage: DockerStage, keyword: string) =>
  lineage(stages, stage).flatMap((s) => instructions(s, keyword));

/** COPY sources taken from the build context (not from another stage). */
function contextCopySources(stages: DockerStage[]): string[] {
  const sources: string[] = [];
  for (const stage of stages) {
    for (const copy of instructions(stage, 'COPY')) {
      const parts = copy.args.split(/\s+/);
      if (parts.some((part) => part.startsWith('--from='))) continue;
      const paths = parts.filter((part) => !part.startsWith('--'));
      sources.push(...paths.slice(0, -1));
    }
  }
  return sources;
}

for (const app of ['backend', 'frontend'] as const) {
  describe(`${app}/Dockerfile`, () => {
    const { args, stages } = parseDockerfile(readRepoFile(`${app}/Dockerfile`));
    const final = stages.at(-1)!;

    it('is multi-stage on node:24-bookworm-slim (Node 24 LTS), and the final stage copies build output from an earlier stage', () => {
      assert.ok(stages.length >= 2, 'at least a build stage and a runtime stage');
      assert.equal(args.get('NODE_IMAGE'), 'node:24-bookworm-slim');
      for (const stage of stages)
        assert.equal(lineage(stages, stage).at(-1)!.from, '${NODE_IMAGE}', `stage ${stage.name} starts from the same Debian node image`);
      const fromStages = instructions(final, 'COPY').filter((copy) => /--from=/.test(copy.args));
      assert.ok(fromStages.length > 0, 'the runtime stage takes artefacts from earlier stages');
      const names = new Set(stages.slice(0, -1).map((stage) => stage.name));
      for (const copy of fromStages) assert.ok(names.has(/--from=(\S+)/.exec(copy.args)![1]), `${copy.args} names an earlier stage`);
    });

    it('runs as a non-root user in the final stage', () => {
      const users = instructions(final, 'USER');
      assert.ok(users.length > 0, 'USER is set in the final stage');
      const user = users.at(-1)!.args.split(':')[0];
      assert.ok(user && !['root', '0'].includes(user), `final USER is not root (got ${user})`);
    });

    it('has a HEALTHCHECK on the app port and path, and exposes that port', () => {
      const [healthcheck] = instructions(final, 'HEALTHCHECK');
      assert.ok(healthcheck, 'HEALTHCHECK present');
      const port = app === 'backend' ? '5000' : '3000';
      const path = app === 'backend' ? '/health' : '/';
      assert.ok(
        healthcheck.args.includes(`process.env.PORT||${port})+'${path}'`),
        `health check fetches ${path} on PORT (default ${port})`,
      );
      assert.deepEqual(
        instructions(final, 'EXPOSE').map((i) => i.args),
        [port],
      );
    });

    it('installs with npm ci from the lockfile, manifests first for layer caching', () => {
      for (const stage of stages.filter((s) => instructions(s, 'RUN').some((run) => run.args.includes('npm ci')))) {
        const order = stage.instructions.map((i) => `${i.keyword} ${i.args}`);
        const ci = order.findIndex((line) => line.startsWith('RUN') && line.includes('npm ci'));
        // The repository's workspace needs every workspace manifest; a stage that installs a
        // folder of its own (the previews' toolchain) needs that folder's manifest and lock file.
        const installsWorkspace = order.some((line) => line.startsWith('COPY package.json package-lock.json'));
        const manifests = installsWorkspace
          ? ['package.json package-lock.json', 'backend/package.json', 'frontend/package.json', 'e2e/package.json']
          : ['package.json', 'package-lock.json'];
        for (const manifest of manifests) {
          const copied = order.findIndex((line) => line.startsWith('COPY') && line.includes(manifest));
          assert.ok(copied >= 0 && copied < ci, `${manifest} is copied before npm ci in stage ${stage.name}`);
        }
        const sourcesBeforeCi = order.slice(0, ci).filter((line) => line.startsWith('COPY') && /\b(backend|frontend)\/\s/.test(line));
        assert.deepEqual(sourcesBeforeCi, [], 'sources come after the dependency layer');
      }
    });

    it('copies only paths that exist in the build context and are not excluded by .dockerignore', () => {
      for (const source of contextCopySources(stages)) {
        assert.ok(exists(source), `${source} exists`);
        assert.ok(!ignored(source), `${source} is not excluded by .dockerignore`);
      }
    });

    it('starts under tini with the production command', () => {
      assert.deepEqual(
        instructions(final, 'ENTRYPOINT').map((i) => i.args),
        ['["/usr/bin/tini", "--"]'],
      );
      const [cmd] = instructions(final, 'CMD');
      if (app === 'backend') assert.equal(cmd?.args, '["node", "backend/dist/server.js"]');
      // Next's handler with brotli static files (frontend/serve/server.mjs), as `next start` takes -H and -p.
      else assert.match(cmd?.args ?? '', /exec node serve\/server\.mjs -H 0\.0\.0\.0 -p/);
    });
  });
}

describe('backend/Dockerfile specifics', () => {
  const { stages } = parseDockerfile(readRepoFile('backend/Dockerfile'));
  const final = stages.at(-1)!;
  const runs = imageInstructions(stages, final, 'RUN')
    .map((run) => run.args)
    .join('\n');
  const argsText = imageInstructions(stages, final, 'ARG')
    .map((arg) => arg.args)
    .join('\n');

  it('builds the backend by default: the runtime stage is the last one', () => {
    assert.equal(final.name, 'runtime');
  });

  it('installs bubblewrap and every language PairPad knows in the runtime image by default', () => {
    assert.match(runs, /\bbubblewrap\b/);
    const packages = [
      'python3',
      'gcc',
      'g\\+\\+',
      'libc6-dev',
      'openjdk-17-jdk-headless',
      'rustc',
      'golang-go',
      'ruby',
      'php-cli',
      'lua5\\.4',
    ];
    for (const pkg of packages) assert.match(argsText, new RegExp(`LANGUAGE_PACKAGES="[^"]*\\b${pkg}`));
    assert.match(runs, /\$\{LANGUAGE_PACKAGES\}/, 'the list is a build arg, so a smaller image can be built');
  });

  it('ships the live previews (Flask, the npm toolchain, the templates) and SQL (PostgreSQL), turned on', () => {
    assert.match(argsText, /LANGUAGE_PACKAGES="[^"]*\bpostgresql\b/);
    assert.match(runs, /\bpython3-flask\b/);
    const env = imageInstructions(stages, final, 'ENV')
      .map((instruction) => instruction.args)
      .join('\n');
    assert.match(env, /\bEXECUTOR_POSTGRES=on\b/, 'the image ships the server, so the executor offers it');
    assert.match(env, /\bEXECUTOR_PREVIEW_TOOLCHAIN=\/opt\/pairpad\/preview-node\b/);
    assert.match(env, /\bEXECUTOR_PREVIEW_TEMPLATES=\/app\/templates\b/);
    const copies = imageInstructions(stages, final, 'COPY').map((copy) => copy.args);
    assert.ok(copies.includes('--from=preview-toolchain /opt/pairpad/preview-node /opt/pairpad/preview-node'), copies.join('\n'));
    assert.ok(copies.includes('templates/ templates/'), copies.join('\n'));
  });

  it('builds dist/server.js with the workspace build script, the entry the backend package starts', () => {
    assert.ok(stages.some((stage) => instructions(stage, 'RUN').some((run) => run.args === 'npm run build -w backend')));
    assert.match(readRepoFile('backend/build.mjs'), /server: 'src\/main\.ts'/);
    assert.equal(
      (JSON.parse(readRepoFile('backend/package.json')) as { scripts: Record<string, string> }).scripts.start,
      'node dist/server.js',
    );
  });

  it('ships only production dependencies of the backend (typescript included: the embedded executor transpiles with it)', () => {
    const deps = stages.find((stage) => stage.name === 'deps');
    assert.ok(deps);
    assert.ok(instructions(deps, 'RUN').some((run) => /npm ci --omit=dev -w backend --include-workspace-root=false/.test(run.args)));
    // The native module is built in the image, for the image's Node, with the tools to build it.
    assert.ok(instructions(deps, 'RUN').some((run) => /npm rebuild better-sqlite3/.test(run.args)));
    assert.ok(instructions(deps, 'RUN').some((run) => /\bpython3\b.*\bmake\b.*\bg\+\+/.test(run.args)));
    const pkg = JSON.parse(readRepoFile('backend/package.json')) as { dependencies: Record<string, string> };
    const executorPkg = JSON.parse(readRepoFile('packages/executor/package.json')) as {
      name: string;
      dependencies: Record<string, string>;
    };
    assert.ok(pkg.dependencies[executorPkg.name], 'the backend depends on the executor package it embeds');
    assert.ok(executorPkg.dependencies.typescript, 'typescript is a runtime dependency of the executor');
    assert.ok(
      imageInstructions(stages, final, 'COPY').some((copy) => copy.args === 'backend/package.json backend/'),
      'backend/package.json ("type": "module") ships next to dist/',
    );
    assert.ok(imageInstructions(stages, final, 'COPY').some((copy) => copy.args === '--from=deps /app/node_modules ./node_modules'));
  });
});

describe('backend/Dockerfile executor target (the standalone executor)', () => {
  const { stages } = parseDockerfile(readRepoFile('backend/Dockerfile'));
  const executor = stages.find((stage) => stage.name === 'executor');
  const env = () =>
    imageInstructions(stages, executor!, 'ENV')
      .map((i) => i.args)
      .join(' ');

  it('is a named stage before the default one, with the sandbox and the languages of the backend image', () => {
    assert.ok(executor, 'a stage named executor (docker build --target executor)');
    assert.ok(stages.indexOf(executor) < stages.length - 1, 'not the last stage: a plain docker build still builds the backend');
    const runtime = stages.at(-1)!;
    assert.equal(executor.from, runtime.from, 'the same toolchains stage under both');
    assert.match(
      imageInstructions(stages, executor, 'RUN')
        .map((run) => run.args)
        .join('\n'),
      /\bbubblewrap\b/,
    );
  });

  it('runs the built executor (no dev dependencies, no tsx) as a non-root user on 0.0.0.0:2000', () => {
    assert.deepEqual(
      instructions(executor!, 'CMD').map((i) => i.args),
      ['["node", "packages/executor/dist/executor.js"]'],
    );
    assert.ok(stages.some((stage) => instructions(stage, 'RUN').some((run) => run.args === 'npm run build -w @pairpad/executor')));
    assert.match(readRepoFile('packages/executor/build.mjs'), /executor: 'src\/main\.ts'/);
    assert.ok(
      imageInstructions(stages, executor!, 'COPY').some((copy) => copy.args === 'packages/executor/package.json packages/executor/'),
      'its package.json ("type": "module") ships next to dist/',
    );
    assert.deepEqual(
      instructions(executor!, 'ENTRYPOINT').map((i) => i.args),
      ['["/usr/bin/tini", "--"]'],
    );
    const user = instructions(executor!, 'USER').at(-1)?.args.split(':')[0];
    assert.ok(user && !['root', '0'].includes(user), `USER is not root (got ${user})`);
    assert.match(env(), /EXECUTOR_HOST=0\.0\.0\.0/);
    assert.match(env(), /EXECUTOR_PORT=2000/);
    assert.deepEqual(
      instructions(executor!, 'EXPOSE').map((i) => i.args),
      ['2000'],
    );
    const copies = imageInstructions(stages, executor!, 'COPY').map((copy) => copy.args);
    assert.ok(copies.includes('--from=deps /app/node_modules ./node_modules'), 'production node_modules only');
    assert.ok(!copies.some((copy) => copy.startsWith('--from=build /app/node_modules')), "never the build stage's dev dependencies");
  });

  it('health-checks /health on EXECUTOR_PORT with the bearer token from EXECUTOR_TOKEN', () => {
    const [healthcheck] = instructions(executor!, 'HEALTHCHECK');
    assert.ok(healthcheck);
    assert.match(healthcheck.args, /process\.env\.EXECUTOR_PORT\|\|2000\)\+'\/health'/);
    assert.match(healthcheck.args, /authorization:'Bearer '\+t/);
    assert.match(healthcheck.args, /process\.env\.EXECUTOR_TOKEN/);
  });
});

describe('.dockerignore', () => {
  it('keeps host artefacts and secrets out of the build context', () => {
    for (const path of [
      'node_modules',
      'frontend/node_modules',
      'frontend/.next',
      'backend/dist',
      '.git',
      '.env',
      'frontend/.env.local',
      '.pairpad',
    ]) {
      assert.ok(ignored(path), `${path} is excluded`);
    }
    for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'backend/src/main.ts', 'frontend/src/app/page.tsx']) {
      assert.ok(!ignored(path), `${path} is part of the context`);
    }
  });
});
