import { validate } from 'dockerfile-utils';
import type { Dockerfile } from '../../scripts/deploy/dockerfile.js';

/**
 * The rules Vigil's image must keep, as a list of violations (empty = fine). The test runs them on the real
 * Dockerfile and on broken copies of it, so each rule is shown to fire.
 */
export function dockerfileViolations(df: Dockerfile): string[] {
  const out: string[] = validate(df.text, {}).map((d) => `lint: line ${d.range.start.line + 1}: ${d.message}`);
  const build = df.stages[0];
  const runtime = df.stages[df.stages.length - 1];
  if (!build || !runtime || df.stages.length < 2) return [...out, 'not a multi-stage build'];
  const runtimeRuns = runtime.steps.flatMap((s) => (s.kind === 'run' ? [s.command] : []));
  const buildRuns = build.steps.flatMap((s) => (s.kind === 'run' ? [s.command] : [])).join(' && ');
  if (!/npm ci\b/.test(buildRuns)) out.push('the build stage does not install with npm ci (lockfile-exact)');
  if (!/npm prune --omit=dev\b/.test(buildRuns) && !runtimeRuns.some((r) => /npm ci\b.*--omit=dev/.test(r))) {
    out.push('dev dependencies are not removed (npm prune --omit=dev or npm ci --omit=dev)');
  }
  if (runtimeRuns.some((r) => /\bnpm (ci|install|i)\b(?!.*--omit=dev)/.test(r))) out.push('the runtime stage installs dev dependencies');
  const copiesFromBuild = runtime.steps.some((s) => s.kind === 'copy' && s.copy.from === build.name);
  if (!copiesFromBuild) out.push(`the runtime stage copies nothing from "${build.name}"`);
  if (runtime.steps.some((s) => s.kind === 'copy' && !s.copy.from && s.copy.sources.some((x) => /^(src|test|\.)/.test(x) && x !== '.'))) {
    out.push('the runtime stage copies sources from the build context');
  }
  if (!runtime.user || /^(root|0)(:|$)/.test(runtime.user)) out.push('the runtime stage runs as root (USER missing or root)');
  out.push(...healthAndStart(runtime));
  return out;
}

function healthAndStart(runtime: Dockerfile['stages'][number]): string[] {
  const out: string[] = [];
  const hc = runtime.healthcheck;
  if (!hc) out.push('no HEALTHCHECK');
  else if (!hc.exec || !hc.exec.join(' ').includes('/healthz')) out.push('HEALTHCHECK is not an exec-form CMD probing /healthz');
  const store = runtime.env.VIGIL_STORE_URL ?? '';
  const storeDir = store.startsWith('sqlite:///') ? store.slice('sqlite://'.length).replace(/\/[^/]*$/, '') : '';
  if (!storeDir || !runtime.volumes.includes(storeDir)) out.push(`the embedded store (${store || 'VIGIL_STORE_URL unset'}) is not on a VOLUME`);
  if (runtime.env.VIGIL_HOST !== '0.0.0.0') out.push('VIGIL_HOST is not 0.0.0.0 (the container port would be unreachable)');
  if (!runtime.expose.includes(runtime.env.PORT ?? '')) out.push(`EXPOSE does not include PORT (${runtime.env.PORT})`);
  const ep = runtime.entrypoint?.exec;
  if (!ep || ep[0] !== 'node') out.push('ENTRYPOINT is not the exec form starting node (signals would go to a shell)');
  if (!runtime.cmd?.exec || runtime.cmd.exec[0] !== 'serve') out.push('CMD is not ["serve"]');
  return out;
}
