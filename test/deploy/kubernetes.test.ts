import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readDockerfile } from '../../scripts/deploy/dockerfile.js';
import { renderKustomization, type K8sObject } from '../../scripts/deploy/kustomize.js';
import { unknownFields } from './k8s-fields.js';
import { knownSettings } from './settings.js';

const dir = (name: string) => new URL(`../../deploy/kubernetes/${name}`, import.meta.url).pathname;
const example = renderKustomization(dir('example'));
const find = (kind: string, name: string) => example.find((o) => o.kind === kind && o.metadata.name === name) as any;

/** kubernetes-models' generated validator for the object's apiVersion and kind (OpenAPI schemas of the API server). */
function schemaErrors(o: K8sObject): string | undefined {
  const mod = createRequire(import.meta.url)(`kubernetes-models/${o.apiVersion}/${o.kind}`) as Record<string, new (d: unknown) => { validate(): void }>;
  const Model = mod[o.kind];
  if (!Model) return `no model for ${o.apiVersion} ${o.kind}`;
  try {
    new Model(o).validate();
    return undefined;
  } catch (err) {
    return `${o.kind}/${o.metadata.name}: ${(err as Error).message}`;
  }
}

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it('render: base, redis and the example overlay, every object namespaced and the image replaced', () => {
    expect(example.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        'ConfigMap/vigil-config',
        'Deployment/vigil',
        'Namespace/vigil',
        'NetworkPolicy/vigil',
        'NetworkPolicy/vigil-redis',
        'PodDisruptionBudget/vigil',
        'Service/vigil',
        'Service/vigil-redis',
        'ServiceAccount/vigil',
        'StatefulSet/vigil-redis',
      ].sort(),
    );
    for (const o of example) if (o.kind !== 'Namespace') expect(o.metadata.namespace, o.kind).toBe('vigil');
    expect(find('Deployment', 'vigil').spec.template.spec.containers[0].image).toBe('registry.example.com/security/vigil:0.1.0');
  });

  it('every object passes the Kubernetes schema, and the schema check catches a bad object', () => {
    for (const o of example) expect(schemaErrors(o)).toBeUndefined();
    const bad = structuredClone(find('Deployment', 'vigil'));
    bad.spec.replicas = 'two';
    expect(schemaErrors(bad)).toMatch(/replicas must be integer/);
  });

  it('no object has a field its Kubernetes type does not declare (typos would be ignored by the API server)', () => {
    expect(unknownFields(example)).toEqual([]);
    const bad = structuredClone(find('Deployment', 'vigil'));
    bad.spec.template.spec.containers[0].readinesProbe = {};
    expect(unknownFields([bad])).toEqual(['Deployment/vigil.spec.template.spec.containers[0]: unknown field "readinesProbe"']);
  }, 60_000);

  it('matches `kubectl kustomize` where kubectl is installed', () => {
    let kubectl = true;
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    } catch {
      kubectl = false;
    }
    for (const name of kubectl ? ['base', 'redis', 'example'] : []) {
      const theirs = parseAllDocuments(execFileSync('kubectl', ['kustomize', dir(name)], { encoding: 'utf8' })).map((d) => d.toJS() as K8sObject);
      const ours = renderKustomization(dir(name));
      expect(ours).toHaveLength(theirs.length);
      for (const t of theirs) expect(ours.some((o) => isDeepStrictEqual(o, t)), `${t.kind}/${t.metadata.name}`).toBe(true);
    }
  });
});

describe('the Vigil Deployment', () => {
  const deploy = find('Deployment', 'vigil');
  const pod = deploy.spec.template.spec;
  const c = pod.containers[0];
  const podLabels = deploy.spec.template.metadata.labels as Record<string, string>;
  const selects = (sel: Record<string, string>) => Object.entries(sel).every(([k, v]) => podLabels[k] === v);

  it('runs 2 replicas on the shared Redis, with a PodDisruptionBudget, Service and NetworkPolicy that select its pods', () => {
    expect(deploy.spec.replicas).toBe(2);
    expect(selects(deploy.spec.selector.matchLabels)).toBe(true);
    expect(selects(find('PodDisruptionBudget', 'vigil').spec.selector.matchLabels)).toBe(true);
    expect(find('PodDisruptionBudget', 'vigil').spec.minAvailable).toBe(1);
    expect(selects(find('Service', 'vigil').spec.selector)).toBe(true);
    expect(selects(find('NetworkPolicy', 'vigil').spec.podSelector.matchLabels)).toBe(true);
    const redisPeer = find('NetworkPolicy', 'vigil-redis').spec.ingress[0].from[0].podSelector.matchLabels;
    expect(selects(redisPeer)).toBe(true);
    const store = find('ConfigMap', 'vigil-config').data.VIGIL_STORE_URL as string;
    const redisService = find('Service', 'vigil-redis');
    expect(store).toBe(`redis://${redisService.metadata.name}:${redisService.spec.ports[0].port}/0`);
  });

  it('probes /readyz for readiness and /healthz for liveness on the container port', () => {
    const port = c.ports[0];
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: port.name });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: port.name });
    expect(String(port.containerPort)).toBe(find('ConfigMap', 'vigil-config').data.PORT);
    expect(String(port.containerPort)).toBe(readDockerfile().stages.at(-1)!.env.PORT);
  });

  it('reads settings from the ConfigMap then the Secret, and only documented settings', () => {
    expect(c.envFrom).toEqual([{ configMapRef: { name: 'vigil-config' } }, { secretRef: { name: 'vigil-secrets' } }]);
    const known = knownSettings();
    for (const key of Object.keys(find('ConfigMap', 'vigil-config').data)) expect(known, key).toContain(key);
    expect(find('ConfigMap', 'vigil-config').data.VIGIL_HOST).toBe('0.0.0.0');
  });

  it('asks for resources, runs as the image user with a read-only root, and outlasts the 30 s shutdown', () => {
    expect(c.resources.requests.cpu).toBeTruthy();
    expect(c.resources.requests.memory).toBeTruthy();
    expect(c.resources.limits.memory).toBeTruthy();
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBe(1000); // uid of "node" in the official node images (Dockerfile USER node)
    expect(readDockerfile().stages.at(-1)!.user).toBe('node');
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(30);
  });

  it('its Redis keeps an append-only file and never evicts', () => {
    const args = (find('StatefulSet', 'vigil-redis').spec.template.spec.containers[0].args as string[]).join(' ');
    expect(args).toMatch(/--appendonly yes\b/);
    expect(args).toMatch(/--maxmemory-policy noeviction\b/);
  });
});
