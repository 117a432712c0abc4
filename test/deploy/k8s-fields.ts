import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Unknown-field check for Kubernetes objects (what `kubectl apply --validate=strict` does on a server): the
 * JSON schemas in kubernetes-models accept extra properties, so a typo such as `readinesProbe` would pass
 * them. This walks each object along the TypeScript type kubernetes-models declares for its kind and reports
 * every key that type does not have.
 */
export function unknownFields(objects: Array<{ apiVersion: string; kind: string }>): string[] {
  const root = dirname(fileURLToPath(new URL('../../package.json', import.meta.url)));
  const entry = `${root}/__k8s_types__.ts`;
  const lines = objects.map((o, i) => `import type { I${o.kind} as T${i} } from 'kubernetes-models/${modelPath(o)}';\nexport declare const v${i}: T${i};`);
  const host = ts.createCompilerHost({});
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => (f === entry ? lines.join('\n') : readFile(f));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => f === entry || fileExists(f);
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, skipLibCheck: true, types: [] }, host);
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry)!;
  const moduleSymbol = checker.getSymbolAtLocation(source)!;
  const problems: string[] = [];
  objects.forEach((o, i) => {
    const sym = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === `v${i}`)!;
    const type = checker.getTypeOfSymbol(sym);
    if (checker.getPropertiesOfType(type).length === 0) problems.push(`${o.kind}: no type in kubernetes-models/${modelPath(o)}`);
    else walk(checker, type, o, `${o.kind}/${(o as { metadata?: { name?: string } }).metadata?.name}`, problems);
  });
  return problems;
}

function modelPath(o: { apiVersion: string; kind: string }): string {
  return `${o.apiVersion}/${o.kind}`;
}

function walk(checker: ts.TypeChecker, type: ts.Type, value: unknown, path: string, problems: string[]) {
  if (Array.isArray(value)) {
    const element = elementType(checker, type);
    if (element) value.forEach((v, i) => walk(checker, element, v, `${path}[${i}]`, problems));
    return;
  }
  if (!value || typeof value !== 'object') return;
  const t = checker.getNonNullableType(type);
  const candidates = t.isUnion() ? t.types : [t];
  const objectType = candidates.find((c) => checker.getPropertiesOfType(c).length > 0 || checker.getIndexInfosOfType(c).length > 0);
  if (!objectType) return;
  if (checker.getIndexInfosOfType(objectType).length > 0 && checker.getPropertiesOfType(objectType).length === 0) return; // a map (labels, data…)
  for (const [key, v] of Object.entries(value)) {
    const prop = checker.getPropertyOfType(objectType, key);
    if (!prop) {
      problems.push(`${path}: unknown field "${key}"`);
      continue;
    }
    walk(checker, checker.getTypeOfSymbol(prop), v, `${path}.${key}`, problems);
  }
}

function elementType(checker: ts.TypeChecker, type: ts.Type): ts.Type | undefined {
  const t = checker.getNonNullableType(type);
  for (const c of t.isUnion() ? t.types : [t]) {
    if (checker.isArrayType(c)) return checker.getTypeArguments(c as ts.TypeReference)[0];
  }
  return undefined;
}
