/**
 * Renders a kustomization the way `kubectl kustomize` does, for the subset of kustomize this repository uses:
 * `resources` (files and directories holding a kustomization.yaml, recursively), `namespace` and `images`.
 * Any other field is an error, so a kustomization that grows past this subset fails the tests instead of
 * being rendered wrongly. (The tests compare with `kubectl kustomize` on machines that have kubectl.)
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: unknown }; [k: string]: unknown };

interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images']);

/** Kinds that live outside namespaces (the ones a Vigil deployment could contain). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass']);

function readYamlObjects(file: string): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: K8sObject[] = [];
  for (const d of docs) {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
    const obj = d.toJS() as K8sObject | null;
    if (obj === null) continue;
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) throw new Error(`${file}: every object needs apiVersion, kind and metadata.name`);
    out.push(obj);
  }
  return out;
}

function kustomizationFile(dir: string): string {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error(`${dir}: no kustomization.yaml`);
}

/** name[:tag][@digest] → the image rule's replacement, as kustomize's `images` field does. */
function applyImage(image: string, rules: ImageRule[]): string {
  const at = image.indexOf('@');
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > withoutDigest.lastIndexOf('/');
  const name = hasTag ? withoutDigest.slice(0, colon) : withoutDigest;
  const rule = rules.find((r) => r.name === name);
  if (!rule) return image;
  const tag = hasTag ? withoutDigest.slice(colon) : '';
  const newName = rule.newName ?? name;
  if (rule.digest) return `${newName}@${rule.digest}`;
  if (rule.newTag) return `${newName}:${rule.newTag}`;
  return `${newName}${tag}${at >= 0 ? image.slice(at) : ''}`;
}

function podSpecOf(obj: K8sObject): { containers?: Array<{ image?: string }>; initContainers?: Array<{ image?: string }> } | undefined {
  const spec = obj.spec as { template?: { spec?: unknown }; jobTemplate?: { spec?: { template?: { spec?: unknown } } } } | undefined;
  return (spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec) as ReturnType<typeof podSpecOf>;
}

export function renderKustomization(dir: string): K8sObject[] {
  const file = kustomizationFile(resolve(dir));
  const k = (parse(readFileSync(file, 'utf8')) ?? {}) as { resources?: string[]; namespace?: string; images?: ImageRule[] };
  const unsupported = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) throw new Error(`${file}: ${unsupported.join(', ')} not supported by this renderer`);
  const objects: K8sObject[] = [];
  for (const r of k.resources ?? []) {
    const path = join(dirname(file), r);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readYamlObjects(path)));
  }
  for (const obj of objects) {
    if (k.namespace && !CLUSTER_SCOPED.has(obj.kind)) obj.metadata.namespace = k.namespace;
    const pod = podSpecOf(obj);
    for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      if (c.image) c.image = applyImage(c.image, k.images ?? []);
    }
  }
  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (seen.has(id)) throw new Error(`${file}: ${id} is defined twice`);
    seen.add(id);
  }
  return objects;
}
