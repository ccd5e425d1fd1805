import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { BACKEND_ENV_NAMES, FRONTEND_ENV_NAMES, isBackendHealthPath, readRepoFile, readYamlDocuments, repoPath } from './deploy-helpers';

/**
 * The Kubernetes manifests, checked offline: the base (k8s/base) for internal consistency
 * (probes on real health routes, ports that line up, selectors that select, env names the apps
 * read, an ingress that sends the API and the WebSocket to the backend, a Secret that is only
 * an example), the optional components and overlays by shape, and every overlay rendered by a
 * real kustomize (`kubectl kustomize`) where kubectl is installed.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML; each field is asserted before use */
type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
};
type Kustomization = { kind?: string; namespace?: string; resources?: string[]; components?: string[]; patches?: { path: string }[] };

const readKustomization = (dir: string) => parse(readRepoFile(`${dir}/kustomization.yaml`)) as Kustomization;
const yamlFilesIn = (dir: string) => readdirSync(repoPath(dir)).filter((file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml');

const base = readKustomization('k8s/base');
const applied: Manifest[] = (base.resources ?? []).flatMap((file) => readYamlDocuments(`k8s/base/${file}`) as Manifest[]);
const byKind = (kind: string, list: Manifest[] = applied) => list.filter((m) => m.kind === kind);
const named = (kind: string, name: string, list: Manifest[] = applied) => list.find((m) => m.kind === kind && m.metadata.name === name);
const containerOf = (deployment: Manifest) => deployment.spec.template.spec.containers[0];
const backendPodLabels = () => named('Deployment', 'pairpad-backend')!.spec.template.metadata.labels as Record<string, string>;

const OVERLAYS = {
  sandbox: { sandbox: true, redis: false, executorPool: false },
  redis: { sandbox: false, redis: true, executorPool: false },
  'sandbox-redis': { sandbox: true, redis: true, executorPool: false },
  'executor-pool': { sandbox: false, redis: false, executorPool: true },
} as const;

/** Env names a container receives: inline `env` plus every key of the ConfigMaps it loads. */
function envNamesOf(container: any, list: Manifest[] = applied): string[] {
  const names: string[] = (container.env ?? []).map((entry: { name: string }) => entry.name);
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const configMap = named('ConfigMap', source.configMapRef.name, list);
      assert.ok(configMap, `ConfigMap ${source.configMapRef.name} exists`);
      names.push(...Object.keys(configMap.data ?? {}));
    }
  }
  return names;
}

describe('k8s base (k8s/base)', () => {
  const deployments = byKind('Deployment');
  const services = byKind('Service');

  it('parses, and its kustomization lists every manifest except the example Secret; k8s/ applies exactly the base', () => {
    assert.equal(base.namespace, 'pairpad');
    const files = yamlFilesIn('k8s/base');
    for (const file of files) readYamlDocuments(`k8s/base/${file}`);
    assert.deepEqual([...(base.resources ?? [])].sort(), files.filter((file) => !file.includes('example')).sort());
    for (const manifest of applied) assert.ok(manifest.apiVersion && manifest.kind && manifest.metadata?.name, 'apiVersion, kind and name');
    assert.deepEqual(readKustomization('k8s').resources, ['base']);
    assert.deepEqual(yamlFilesIn('k8s'), [], 'no manifests beside the top-level kustomization');
  });

  it('has a Deployment and a Service for the backend and the frontend', () => {
    assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), ['pairpad-backend', 'pairpad-frontend']);
    assert.deepEqual(services.map((s) => s.metadata.name).sort(), ['pairpad-backend', 'pairpad-frontend']);
  });

  for (const app of ['backend', 'frontend'] as const) {
    describe(`pairpad-${app}`, () => {
      const deployment = named('Deployment', `pairpad-${app}`)!;
      const service = named('Service', `pairpad-${app}`)!;
      const container = containerOf(deployment);
      const podLabels: Record<string, string> = deployment.spec.template.metadata.labels;

      it('selectors match the pod labels (Deployment and Service)', () => {
        for (const [key, value] of Object.entries<string>(deployment.spec.selector.matchLabels))
          assert.equal(podLabels[key], value, `deployment selector ${key}`);
        for (const [key, value] of Object.entries<string>(service.spec.selector))
          assert.equal(podLabels[key], value, `service selector ${key}`);
        const other = named('Deployment', `pairpad-${app === 'backend' ? 'frontend' : 'backend'}`)!;
        const selectsOther = Object.entries<string>(service.spec.selector).every(
          ([key, value]) => other.spec.template.metadata.labels[key] === value,
        );
        assert.ok(!selectsOther, 'the service does not also select the other app');
      });

      it('the Service targets a port the container declares, on the app port', () => {
        const ports: { name: string; containerPort: number }[] = container.ports;
        for (const port of service.spec.ports) {
          const target = port.targetPort;
          const match = ports.find((p) => (typeof target === 'number' ? p.containerPort === target : p.name === target));
          assert.ok(match, `targetPort ${target} is a container port`);
          assert.equal(match.containerPort, app === 'backend' ? 5000 : 3000);
        }
        // The app listens where the container port says (PORT comes from the ConfigMap).
        assert.equal(named('ConfigMap', `pairpad-${app}`)!.data.PORT, String(container.ports[0].containerPort));
      });

      it('has readiness and liveness probes on health routes the app serves, on a declared port', () => {
        for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
          const probe = container[kind];
          if (kind === 'startupProbe' && !probe) continue;
          assert.ok(probe?.httpGet, `${kind} is an HTTP probe`);
          const probePath: string = probe.httpGet.path;
          if (app === 'backend') assert.ok(isBackendHealthPath(probePath), `${kind} ${probePath} is a backend health route`);
          else assert.equal(probePath, '/', `${kind} fetches the home page`);
          assert.ok(
            container.ports.some(
              (p: { name: string; containerPort: number }) => p.name === probe.httpGet.port || p.containerPort === probe.httpGet.port,
            ),
            `${kind} port is declared`,
          );
        }
      });

      it('only sets environment variables the app reads', () => {
        const known = app === 'backend' ? BACKEND_ENV_NAMES : FRONTEND_ENV_NAMES;
        const names = envNamesOf(container);
        assert.ok(names.length > 0);
        assert.deepEqual(
          names.filter((name) => !known.has(name)),
          [],
        );
      });

      it('runs as non-root under the runtime default seccomp profile, without privilege escalation or capabilities', () => {
        const pod = deployment.spec.template.spec.securityContext;
        assert.equal(pod.runAsNonRoot, true);
        assert.ok(pod.runAsUser > 0);
        assert.equal(pod.seccompProfile.type, 'RuntimeDefault');
        assert.equal(container.securityContext.allowPrivilegeEscalation, false);
        assert.notEqual(container.securityContext.privileged, true);
        assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
        assert.equal(container.securityContext.capabilities.add, undefined);
      });
    });
  }

  it('backend liveness never depends on Redis or the executor (/health/live); readiness may (/health/ready)', () => {
    const container = containerOf(named('Deployment', 'pairpad-backend')!);
    assert.equal(container.livenessProbe.httpGet.path, '/health/live');
    assert.equal(container.startupProbe.httpGet.path, '/health/live');
    assert.equal(container.readinessProbe.httpGet.path, '/health/ready');
  });

  it('runs on any cluster: no user namespace, unmasked /proc or unconfined profile in the base; collaboration-only unless told', () => {
    const spec = named('Deployment', 'pairpad-backend')!.spec.template.spec;
    assert.equal(spec.hostUsers, undefined);
    assert.equal(spec.securityContext.appArmorProfile, undefined);
    assert.equal(spec.containers[0].securityContext.procMount, undefined);
    for (const manifest of applied)
      assert.doesNotMatch(JSON.stringify(manifest), /Unconfined|Unmasked|"privileged":true/, `${manifest.kind} ${manifest.metadata.name}`);
    assert.equal(
      named('ConfigMap', 'pairpad-backend')!.data.EXECUTION_REQUIRED,
      'false',
      'without a sandbox the backend stays ready, collaboration-only',
    );
  });

  it('one backend replica, replaced with Recreate, so two pods never split in-memory sessions', () => {
    const deployment = named('Deployment', 'pairpad-backend')!;
    assert.equal(deployment.spec.replicas, 1);
    assert.deepEqual(deployment.spec.strategy, { type: 'Recreate' });
  });

  it('the Ingress sends /socket.io and /api to the backend, the rest to the frontend, with websocket timeouts', () => {
    const [ingress] = byKind('Ingress');
    assert.ok(ingress);
    const annotations = ingress.metadata.annotations ?? {};
    for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
      const value = Number(annotations[`nginx.ingress.kubernetes.io/${key}`]);
      assert.ok(value >= 3600, `${key} keeps idle websockets open for an hour (got ${value})`);
    }
    const paths: { path: string; pathType: string; backend: { service: { name: string; port: { name?: string; number?: number } } } }[] =
      ingress.spec.rules.flatMap((rule: { http: { paths: unknown[] } }) => rule.http.paths);
    const target = (routePath: string) => paths.find((p) => p.path === routePath);
    for (const [routePath, app] of [
      ['/socket.io', 'backend'],
      ['/api', 'backend'],
      ['/', 'frontend'],
    ] as const) {
      const route = target(routePath);
      assert.ok(route, `${routePath} is routed`);
      assert.equal(route.pathType, 'Prefix');
      assert.equal(route.backend.service.name, `pairpad-${app}`);
      const service = named('Service', `pairpad-${app}`)!;
      assert.ok(
        service.spec.ports.some(
          (p: { name: string; port: number }) => p.name === route.backend.service.port.name || p.port === route.backend.service.port.number,
        ),
        `${routePath} uses a port the ${app} Service has`,
      );
    }
    assert.ok(!paths.some((p) => p.path.startsWith('/metrics') || p.path.startsWith('/health')), '/metrics and /health stay private');
    // The browser reaches the backend on the same public host the ingress serves.
    const host: string = ingress.spec.rules[0].host;
    assert.equal(named('ConfigMap', 'pairpad-frontend')!.data.API_URL, `https://${host}`);
    assert.equal(named('ConfigMap', 'pairpad-backend')!.data.CLIENT_URL, `https://${host}`);
    // Live previews: PREVIEW_ORIGIN's subdomains go to the backend, under a certificate of their own.
    const previewOrigin = new URL(named('ConfigMap', 'pairpad-backend')!.data.PREVIEW_ORIGIN);
    assert.equal(named('ConfigMap', 'pairpad-frontend')!.data.PREVIEW_ORIGIN, previewOrigin.href.replace(/\/$/, ''));
    const previewRule = ingress.spec.rules.find((rule: { host: string }) => rule.host === `*.${previewOrigin.host}`);
    assert.ok(previewRule, `a wildcard rule for *.${previewOrigin.host}`);
    assert.deepEqual(
      previewRule.http.paths.map((p: { path: string; backend: { service: { name: string } } }) => [p.path, p.backend.service.name]),
      [['/', 'pairpad-backend']],
    );
    assert.ok(ingress.spec.tls.some((tls: { hosts: string[] }) => tls.hosts.includes(`*.${previewOrigin.host}`)));
  });

  it('the Secret is an example only: placeholders, not applied, referenced as optional', () => {
    assert.equal(byKind('Secret').length, 0, 'no Secret is applied by kustomization');
    const [secret] = readYamlDocuments('k8s/base/secret.example.yaml') as Manifest[];
    assert.equal(secret?.kind, 'Secret');
    const values = Object.entries<string>(secret.stringData ?? {});
    assert.deepEqual(values.map(([key]) => key).sort(), [
      'ADMIN_EMAIL',
      'ADMIN_PASSWORD',
      'DATABASE_URL',
      'PISTON_API_KEY',
      'PISTON_URL',
      'REDIS_URL',
    ]);
    for (const [key, value] of values) {
      assert.ok(BACKEND_ENV_NAMES.has(key), `${key} is a backend setting`);
      assert.match(value, /CHANGE_ME/, `${key} holds a placeholder`);
    }
    const refs = containerOf(named('Deployment', 'pairpad-backend')!).envFrom.filter((source: { secretRef?: unknown }) => source.secretRef);
    assert.deepEqual(refs, [{ secretRef: { name: secret.metadata.name, optional: true } }]);
  });
});

describe('k8s components and overlays (by shape)', () => {
  const component = (name: string) => {
    const kustomization = readKustomization(`k8s/components/${name}`);
    const docs = (file: string) => readYamlDocuments(`k8s/components/${name}/${file}`) as Manifest[];
    return {
      kustomization,
      patches: (kustomization.patches ?? []).flatMap((patch) => docs(patch.path)),
      resources: (kustomization.resources ?? []).flatMap(docs),
    };
  };

  it('every overlay is the base plus components that exist, in the pairpad namespace', () => {
    assert.deepEqual(readdirSync(repoPath('k8s/overlays')).sort(), Object.keys(OVERLAYS).sort());
    for (const [name, wants] of Object.entries(OVERLAYS)) {
      const overlay = readKustomization(`k8s/overlays/${name}`);
      assert.equal(overlay.namespace, 'pairpad');
      assert.deepEqual(overlay.resources, ['../../base']);
      const expected = [
        ...(wants.sandbox ? ['sandbox'] : []),
        ...(wants.redis ? ['redis'] : []),
        ...(wants.executorPool ? ['executor-pool'] : []),
      ].map((c) => `../../components/${c}`);
      assert.deepEqual(overlay.components, expected, name);
    }
    for (const name of readdirSync(repoPath('k8s/components'))) {
      const { kustomization } = component(name);
      assert.equal(kustomization.kind, 'Component');
      for (const file of [...(kustomization.patches ?? []).map((p) => p.path), ...(kustomization.resources ?? [])]) {
        assert.ok(existsSync(repoPath('k8s/components', name, file)), `${name}/${file} exists`);
      }
    }
  });

  it('components/sandbox grants the backend pod what bubblewrap needs, and nothing to the frontend', () => {
    const { patches } = component('sandbox');
    const deployment = named('Deployment', 'pairpad-backend', patches)!;
    const spec = deployment.spec.template.spec;
    assert.equal(spec.hostUsers, false);
    assert.equal(spec.securityContext.seccompProfile.type, 'Unconfined');
    assert.equal(spec.securityContext.appArmorProfile.type, 'Unconfined');
    assert.equal(
      spec.containers[0].name,
      containerOf(named('Deployment', 'pairpad-backend')!).name,
      'patches the backend container by name',
    );
    assert.equal(spec.containers[0].securityContext.procMount, 'Unmasked');
    assert.equal(named('ConfigMap', 'pairpad-backend', patches)!.data.EXECUTION_REQUIRED, 'true', 'a pod whose sandbox fails is not ready');
    assert.equal(named('Deployment', 'pairpad-frontend', patches), undefined);
  });

  it('components/redis rolls several backends and refuses to start without REDIS_URL', () => {
    const { patches, resources } = component('redis');
    const deployment = named('Deployment', 'pairpad-backend', patches)!;
    assert.ok(deployment.spec.replicas >= 2);
    assert.deepEqual(deployment.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const [redisEnv] = deployment.spec.template.spec.containers[0].env;
    const secretName = containerOf(named('Deployment', 'pairpad-backend')!).envFrom.find(
      (s: { secretRef?: { name: string } }) => s.secretRef,
    ).secretRef.name;
    assert.deepEqual(
      redisEnv,
      { name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: secretName, key: 'REDIS_URL' } } },
      'a required key: no Redis, no pod',
    );
    const pdb = named('PodDisruptionBudget', 'pairpad-backend', resources)!;
    for (const [key, value] of Object.entries<string>(pdb.spec.selector.matchLabels)) assert.equal(backendPodLabels()[key], value);
  });
});

/** components/executor-pool: the executor's Deployment, Service, HPA and NetworkPolicy, and the backend pointed at the Service. */
function checkExecutorPool(list: Manifest[], label: string): void {
  const deployment = named('Deployment', 'pairpad-executor', list);
  assert.ok(deployment, `${label}: the executor Deployment`);
  const podLabels: Record<string, string> = deployment.spec.template.metadata.labels;
  for (const [key, value] of Object.entries<string>(deployment.spec.selector.matchLabels)) assert.equal(podLabels[key], value);
  const container = containerOf(deployment);
  const spec = deployment.spec.template.spec;

  // The Service selects the executor pods only, on the port the executor listens on.
  const service = named('Service', 'pairpad-executor', list)!;
  assert.equal(service.spec.type, 'ClusterIP');
  for (const [key, value] of Object.entries<string>(service.spec.selector)) assert.equal(podLabels[key], value, `service selector ${key}`);
  assert.ok(!Object.entries<string>(service.spec.selector).every(([key, value]) => backendPodLabels()[key] === value), 'not the backend');
  const [servicePort] = service.spec.ports;
  const containerPort = container.ports.find((p: { name: string }) => p.name === servicePort.targetPort);
  assert.ok(containerPort, 'the Service targets a declared container port');
  const env = Object.fromEntries(container.env.map((entry: { name: string; value?: string }) => [entry.name, entry]));
  assert.equal(env.EXECUTOR_PORT.value, String(containerPort.containerPort), 'the executor listens on that port');
  assert.equal(env.EXECUTOR_HOST.value, '0.0.0.0');
  assert.deepEqual(
    Object.keys(env).filter((name) => !BACKEND_ENV_NAMES.has(name) && name !== 'POD_IP'),
    [],
    'only executor settings (and the pod address they read)',
  );
  // A preview lives on one pod: its own address, named at its start, takes the preview's requests.
  assert.deepEqual(env.POD_IP.valueFrom, { fieldRef: { fieldPath: 'status.podIP' } });
  assert.equal(env.EXECUTOR_ADVERTISE_URL.value, `http://$(POD_IP):${containerPort.containerPort}`);

  // The backend sends runs to the Service, with the token the executor pods require.
  const backendConfig = named('ConfigMap', 'pairpad-backend', list)!;
  assert.equal(backendConfig.data.PISTON_URL, `http://${service.metadata.name}:${servicePort.port}`);
  assert.equal(backendConfig.data.PISTON_URLS, undefined, 'PISTON_URL or PISTON_URLS, never both');
  const backendSecret = containerOf(named('Deployment', 'pairpad-backend')!).envFrom.find(
    (source: { secretRef?: { name: string } }) => source.secretRef,
  ).secretRef.name;
  assert.deepEqual(env.EXECUTOR_TOKEN.valueFrom, { secretKeyRef: { name: backendSecret, key: 'PISTON_API_KEY' } }, 'one secret, both ends');

  // Scaled on CPU (autoscaling/v2) as a share of a CPU request the container makes.
  const hpa = named('HorizontalPodAutoscaler', 'pairpad-executor', list)!;
  assert.equal(hpa.apiVersion, 'autoscaling/v2');
  assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'pairpad-executor' });
  assert.ok(hpa.spec.minReplicas >= 2, 'two executors at least: one can die');
  assert.ok(hpa.spec.maxReplicas > hpa.spec.minReplicas);
  const [metric] = hpa.spec.metrics;
  assert.equal(metric.type, 'Resource');
  assert.equal(metric.resource.name, 'cpu');
  assert.equal(metric.resource.target.type, 'Utilization');
  assert.ok(container.resources.requests.cpu, 'utilization needs a CPU request');

  // Probes on the executor's port; readiness asks /health with the token.
  assert.equal(container.livenessProbe.tcpSocket.port, containerPort.name);
  assert.match(container.readinessProbe.exec.command.join(' '), /\/health.*EXECUTOR_TOKEN/);

  // The sandbox's rights on these pods (as components/sandbox grants the backend), nothing more.
  assert.equal(spec.hostUsers, false);
  assert.equal(spec.securityContext.runAsNonRoot, true);
  assert.equal(spec.securityContext.seccompProfile.type, 'Unconfined');
  assert.equal(container.securityContext.procMount, 'Unmasked');
  assert.equal(container.securityContext.allowPrivilegeEscalation, false);
  assert.notEqual(container.securityContext.privileged, true);
  assert.deepEqual(container.securityContext.capabilities, { drop: ['ALL'] });

  // Only the backend pods reach it.
  const policy = named('NetworkPolicy', 'pairpad-executor', list)!;
  for (const [key, value] of Object.entries<string>(policy.spec.podSelector.matchLabels)) assert.equal(podLabels[key], value);
  const [rule] = policy.spec.ingress;
  for (const [key, value] of Object.entries<string>(rule.from[0].podSelector.matchLabels)) assert.equal(backendPodLabels()[key], value);
  assert.deepEqual(
    rule.ports.map((p: { port: string | number }) => p.port),
    [containerPort.name],
  );
}

describe('components/executor-pool (by shape)', () => {
  it('the executor as its own Deployment + Service + HPA (CPU), reachable from the backend only, which sends runs to the Service', () => {
    const kustomization = readKustomization('k8s/components/executor-pool');
    assert.equal(kustomization.kind, 'Component');
    const docs = (file: string) => readYamlDocuments(`k8s/components/executor-pool/${file}`) as Manifest[];
    const list = [
      ...(kustomization.resources ?? []).flatMap(docs),
      ...(kustomization.patches ?? []).flatMap((patch) => docs(patch.path)),
      ...applied.filter((manifest) => !(manifest.kind === 'ConfigMap' && manifest.metadata.name === 'pairpad-backend')),
    ];
    checkExecutorPool(list, 'component');
  });
});

/** `kubectl kustomize <dir>` (kustomize built into kubectl), or why it cannot run here. */
function render(dir: string): Manifest[] {
  const result = spawnSync('kubectl', ['kustomize', repoPath(dir)], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.error?.message ?? result.stderr}`);
  return parseAllDocuments(result.stdout).map((doc) => {
    assert.deepEqual(doc.errors, []);
    return doc.toJS() as Manifest;
  });
}

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 30_000 });
const noRenderer =
  kubectl.status === 0
    ? false
    : 'kubectl (with its built-in kustomize) is not installed on this machine; the manifests were checked by shape only';

describe('k8s rendered by kustomize (kubectl kustomize)', { skip: noRenderer }, () => {
  it('k8s/ and k8s/base render the same objects, all in the pairpad namespace', () => {
    const rendered = render('k8s/base');
    assert.deepEqual(render('k8s'), rendered);
    assert.equal(rendered.length, applied.length);
    for (const manifest of rendered)
      if (manifest.kind !== 'Namespace') assert.equal(manifest.metadata.namespace, 'pairpad', `${manifest.kind} ${manifest.metadata.name}`);
    const backend = named('Deployment', 'pairpad-backend', rendered)!;
    assert.equal(containerOf(backend).image, 'ghcr.io/your-org/pairpad-backend:latest', 'images are rewritten');
  });

  for (const [name, wants] of Object.entries(OVERLAYS)) {
    it(`overlays/${name}: ${wants.sandbox ? 'sandbox settings' : 'default pod security'}, ${wants.redis ? 'rolling replicas on Redis' : 'one replica, Recreate'}`, () => {
      const rendered = render(path.posix.join('k8s/overlays', name));
      for (const manifest of rendered)
        if (manifest.kind !== 'Namespace')
          assert.equal(manifest.metadata.namespace, 'pairpad', `${manifest.kind} ${manifest.metadata.name}`);
      const backend = named('Deployment', 'pairpad-backend', rendered)!;
      const spec = backend.spec.template.spec;
      const container = containerOf(backend);
      // Probes and the rest of the base survive the patches.
      assert.equal(container.livenessProbe.httpGet.path, '/health/live');
      assert.equal(container.readinessProbe.httpGet.path, '/health/ready');
      assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
      assert.equal(container.securityContext.allowPrivilegeEscalation, false);
      assert.equal(spec.securityContext.runAsNonRoot, true);
      assert.deepEqual(
        envNamesOf(container, rendered).filter((n) => !BACKEND_ENV_NAMES.has(n)),
        [],
      );

      assert.equal(spec.hostUsers, wants.sandbox ? false : undefined);
      assert.equal(container.securityContext.procMount, wants.sandbox ? 'Unmasked' : undefined);
      assert.equal(spec.securityContext.seccompProfile.type, wants.sandbox ? 'Unconfined' : 'RuntimeDefault');
      assert.equal(spec.securityContext.appArmorProfile?.type, wants.sandbox ? 'Unconfined' : undefined);
      assert.equal(named('ConfigMap', 'pairpad-backend', rendered)!.data.EXECUTION_REQUIRED, wants.sandbox ? 'true' : 'false');

      assert.equal(backend.spec.replicas, wants.redis ? 2 : 1);
      assert.equal(backend.spec.strategy.type, wants.redis ? 'RollingUpdate' : 'Recreate');
      assert.equal(backend.spec.strategy.rollingUpdate, wants.redis ? backend.spec.strategy.rollingUpdate : undefined);
      assert.equal(!!named('PodDisruptionBudget', 'pairpad-backend', rendered), wants.redis);
      assert.equal(envNamesOf(container, rendered).includes('REDIS_URL'), wants.redis);

      assert.equal(!!named('Deployment', 'pairpad-executor', rendered), wants.executorPool);
      if (wants.executorPool) {
        checkExecutorPool(rendered, name);
        assert.equal(containerOf(named('Deployment', 'pairpad-executor', rendered)!).image, 'ghcr.io/your-org/pairpad-executor:latest');
      }

      // The frontend is untouched by either component.
      const frontend = named('Deployment', 'pairpad-frontend', rendered)!;
      assert.equal(frontend.spec.template.spec.securityContext.seccompProfile.type, 'RuntimeDefault');
      assert.equal(frontend.spec.template.spec.hostUsers, undefined);
    });
  }
});
