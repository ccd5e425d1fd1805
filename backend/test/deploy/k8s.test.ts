import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { BACKEND_ENV_NAMES, FRONTEND_ENV_NAMES, isBackendHealthPath, readRepoFile, readYamlDocuments, repoPath } from './deploy-helpers';

/**
 * The Kubernetes manifests, checked offline for internal consistency: probes on real health
 * routes, ports that line up, selectors that select, env names the apps read, an ingress that
 * sends the API and the WebSocket to the backend, and a Secret that is only an example.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML; each field is asserted before use */
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: any };

const kustomization = parse(readRepoFile('k8s/kustomization.yaml')) as { resources: string[]; namespace: string };
const files = readdirSync(repoPath('k8s')).filter((file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml');
const applied: Manifest[] = kustomization.resources.flatMap((file) => readYamlDocuments(`k8s/${file}`) as Manifest[]);
const byKind = (kind: string) => applied.filter((m) => m.kind === kind);
const named = (kind: string, name: string) => applied.find((m) => m.kind === kind && m.metadata.name === name);

const deployments = byKind('Deployment');
const services = byKind('Service');
const containerOf = (deployment: Manifest) => deployment.spec.template.spec.containers[0];

/** Env names a container receives: inline `env` plus every key of the ConfigMaps it loads. */
function envNamesOf(container: any): string[] {
  const names: string[] = (container.env ?? []).map((entry: { name: string }) => entry.name);
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const configMap = named('ConfigMap', source.configMapRef.name);
      assert.ok(configMap, `ConfigMap ${source.configMapRef.name} exists`);
      names.push(...Object.keys(configMap.data ?? {}));
    }
  }
  return names;
}

describe('k8s manifests', () => {
  it('parse, and kustomization lists every manifest except the example Secret', () => {
    assert.equal(kustomization.namespace, 'pairpad');
    for (const file of files) readYamlDocuments(`k8s/${file}`);
    assert.deepEqual([...kustomization.resources].sort(), files.filter((file) => !file.includes('example')).sort());
    for (const manifest of applied) assert.ok(manifest.apiVersion && manifest.kind && manifest.metadata?.name, 'apiVersion, kind and name');
  });

  it('have a Deployment and a Service for the backend and the frontend', () => {
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
        for (const [key, value] of Object.entries<string>(deployment.spec.selector.matchLabels)) assert.equal(podLabels[key], value, `deployment selector ${key}`);
        for (const [key, value] of Object.entries<string>(service.spec.selector)) assert.equal(podLabels[key], value, `service selector ${key}`);
        const other = named('Deployment', `pairpad-${app === 'backend' ? 'frontend' : 'backend'}`)!;
        const selectsOther = Object.entries<string>(service.spec.selector).every(([key, value]) => other.spec.template.metadata.labels[key] === value);
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
          const path: string = probe.httpGet.path;
          if (app === 'backend') assert.ok(isBackendHealthPath(path), `${kind} ${path} is a backend health route`);
          else assert.equal(path, '/', `${kind} fetches the home page`);
          assert.ok(container.ports.some((p: { name: string; containerPort: number }) => p.name === probe.httpGet.port || p.containerPort === probe.httpGet.port), `${kind} port is declared`);
        }
      });

      it('only sets environment variables the app reads', () => {
        const known = app === 'backend' ? BACKEND_ENV_NAMES : FRONTEND_ENV_NAMES;
        const names = envNamesOf(container);
        assert.ok(names.length > 0);
        assert.deepEqual(names.filter((name) => !known.has(name)), []);
      });

      it('runs as non-root without privilege escalation or capabilities', () => {
        const pod = deployment.spec.template.spec.securityContext;
        assert.equal(pod.runAsNonRoot, true);
        assert.ok(pod.runAsUser > 0);
        assert.equal(container.securityContext.allowPrivilegeEscalation, false);
        assert.notEqual(container.securityContext.privileged, true);
        assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
        assert.equal(container.securityContext.capabilities.add, undefined);
      });
    });
  }

  it("gives the backend pod what bubblewrap needs: its own user namespace, an unmasked /proc, no seccomp/AppArmor filter on unshare and mount", () => {
    const spec = named('Deployment', 'pairpad-backend')!.spec.template.spec;
    assert.equal(spec.hostUsers, false);
    assert.equal(spec.securityContext.seccompProfile.type, 'Unconfined');
    assert.equal(spec.securityContext.appArmorProfile.type, 'Unconfined');
    assert.equal(spec.containers[0].securityContext.procMount, 'Unmasked');
    // The frontend needs none of it.
    const frontend = named('Deployment', 'pairpad-frontend')!.spec.template.spec;
    assert.equal(frontend.securityContext.seccompProfile.type, 'RuntimeDefault');
  });

  it('the Ingress sends /socket.io and /api to the backend, the rest to the frontend, with websocket timeouts', () => {
    const [ingress] = byKind('Ingress');
    assert.ok(ingress);
    const annotations = ingress.metadata.annotations ?? {};
    for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
      const value = Number(annotations[`nginx.ingress.kubernetes.io/${key}`]);
      assert.ok(value >= 3600, `${key} keeps idle websockets open for an hour (got ${value})`);
    }
    const paths: { path: string; pathType: string; backend: { service: { name: string; port: { name?: string; number?: number } } } }[] = ingress.spec.rules.flatMap(
      (rule: { http: { paths: unknown[] } }) => rule.http.paths,
    );
    const target = (path: string) => paths.find((p) => p.path === path);
    for (const [path, app] of [['/socket.io', 'backend'], ['/api', 'backend'], ['/', 'frontend']] as const) {
      const route = target(path);
      assert.ok(route, `${path} is routed`);
      assert.equal(route.pathType, 'Prefix');
      assert.equal(route.backend.service.name, `pairpad-${app}`);
      const service = named('Service', `pairpad-${app}`)!;
      assert.ok(
        service.spec.ports.some((p: { name: string; port: number }) => p.name === route.backend.service.port.name || p.port === route.backend.service.port.number),
        `${path} uses a port the ${app} Service has`,
      );
    }
    assert.ok(!paths.some((p) => p.path.startsWith('/metrics')), '/metrics stays private');
    // The browser reaches the backend on the same public host the ingress serves.
    const host: string = ingress.spec.rules[0].host;
    assert.equal(named('ConfigMap', 'pairpad-frontend')!.data.API_URL, `https://${host}`);
    assert.equal(named('ConfigMap', 'pairpad-backend')!.data.CLIENT_URL, `https://${host}`);
  });

  it('the Secret is an example only: placeholders, not applied, referenced as optional', () => {
    assert.equal(byKind('Secret').length, 0, 'no Secret is applied by kustomization');
    const [secret] = readYamlDocuments('k8s/secret.example.yaml') as Manifest[];
    assert.equal(secret?.kind, 'Secret');
    const values = Object.entries<string>(secret.stringData ?? {});
    assert.ok(values.length > 0);
    for (const [key, value] of values) {
      assert.ok(BACKEND_ENV_NAMES.has(key), `${key} is a backend setting`);
      assert.match(value, /CHANGE_ME/, `${key} holds a placeholder`);
    }
    const refs = containerOf(named('Deployment', 'pairpad-backend')!).envFrom.filter((source: { secretRef?: unknown }) => source.secretRef);
    assert.deepEqual(refs, [{ secretRef: { name: secret.metadata.name, optional: true } }]);
  });
});
