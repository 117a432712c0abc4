/**
 * The repository's Dockerfile read through a real parser (dockerfile-ast, the parser behind VS Code's Docker
 * support) into the few facts the tests and the fresh-machine check need: stages, their COPY/RUN steps,
 * ENV, USER, VOLUME, HEALTHCHECK, ENTRYPOINT and CMD.
 */
import { readFileSync } from 'node:fs';
import {
  Cmd,
  Copy,
  DockerfileParser,
  Entrypoint,
  Env,
  From,
  Healthcheck,
  Run,
  User,
  Volume,
  Workdir,
  type Instruction,
  type JSONInstruction,
  type ModifiableInstruction,
} from 'dockerfile-ast';

export const DOCKERFILE_PATH = new URL('../../Dockerfile', import.meta.url);

export interface CopyStep {
  /** --from=<stage>, when the files come from an earlier stage. */
  from?: string;
  chown?: string;
  sources: string[];
  dest: string;
}

type Form = { exec?: string[]; shell?: string };

export interface Stage {
  name: string;
  image: string;
  workdir?: string;
  env: Record<string, string>;
  /** COPY and RUN steps in file order. */
  steps: Array<{ kind: 'copy'; copy: CopyStep } | { kind: 'run'; command: string; json: boolean }>;
  user?: string;
  volumes: string[];
  expose: string[];
  healthcheck?: Form & { flags: Record<string, string> };
  entrypoint?: Form;
  cmd?: Form;
}

export interface Dockerfile {
  text: string;
  args: Record<string, string>;
  stages: Stage[];
}

const execForm = (i: JSONInstruction): Form => {
  const strings = i.getJSONStrings();
  if (strings.length > 0) return { exec: strings.map((s) => s.getJSONValue()) };
  return { shell: i.getArgumentsContent() ?? '' };
};

const flagsOf = (i: ModifiableInstruction): Record<string, string> =>
  Object.fromEntries(i.getFlags().map((f) => [f.getName(), f.getValue() ?? '']));

function parseCopy(i: Copy): CopyStep {
  const flags = flagsOf(i);
  const args = i.getArguments().map((a) => a.getValue());
  const dest = args.pop();
  if (!dest || args.length === 0) throw new Error(`COPY needs a source and a destination (line ${i.getRange().start.line + 1})`);
  return { from: flags.from, chown: flags.chown, sources: args, dest };
}

/** HEALTHCHECK [flags] CMD <exec form or shell form>; the parser gives the subcommand, the rest is read here. */
function parseHealthcheck(i: Healthcheck): Stage['healthcheck'] {
  const sub = i.getSubcommand();
  if (!sub || sub.getValue().toUpperCase() === 'NONE') return undefined;
  const rest = (i.getArgumentsContent() ?? '').slice((i.getArgumentsContent() ?? '').indexOf(sub.getValue()) + sub.getValue().length).trim();
  if (rest.startsWith('[')) return { exec: JSON.parse(rest) as string[], flags: flagsOf(i) };
  return { shell: rest, flags: flagsOf(i) };
}

function apply(stage: Stage, i: Instruction) {
  const argText = (i.getArgumentsContent() ?? '').trim();
  if (i instanceof Workdir) stage.workdir = argText;
  else if (i instanceof Env) for (const p of i.getProperties()) stage.env[p.getName()] = p.getValue() ?? '';
  else if (i instanceof Copy) stage.steps.push({ kind: 'copy', copy: parseCopy(i) });
  else if (i instanceof Run) {
    const f = execForm(i);
    stage.steps.push({ kind: 'run', command: f.exec ? f.exec.join(' ') : f.shell!, json: Boolean(f.exec) });
  } else if (i instanceof User) stage.user = argText;
  else if (i instanceof Volume) stage.volumes.push(...(execForm(i).exec ?? argText.split(/\s+/)));
  else if (i.getKeyword() === 'EXPOSE') stage.expose.push(...argText.split(/\s+/));
  else if (i instanceof Entrypoint) stage.entrypoint = execForm(i);
  else if (i instanceof Cmd) stage.cmd = execForm(i);
  else if (i instanceof Healthcheck) stage.healthcheck = parseHealthcheck(i);
}

export function parseDockerfile(text: string): Dockerfile {
  const parsed = DockerfileParser.parse(text);
  const args: Record<string, string> = {};
  for (const a of parsed.getInitialARGs()) {
    const p = a.getProperty();
    if (p) args[p.getName()] = p.getValue() ?? '';
  }
  const stages: Stage[] = [];
  for (const i of parsed.getInstructions()) {
    if (i instanceof From) {
      stages.push({ name: i.getBuildStage() ?? String(stages.length), image: i.getImage() ?? '', env: {}, steps: [], volumes: [], expose: [] });
    } else if (stages.length > 0) apply(stages[stages.length - 1]!, i);
  }
  return { text, args, stages };
}

export function readDockerfile(path: URL | string = DOCKERFILE_PATH): Dockerfile {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

/** ${NAME} and $NAME from the file's initial ARGs (their defaults). */
export function expandArgs(value: string, args: Record<string, string>): string {
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string, b: string) => args[a ?? b] ?? '');
}
