// The container deployment read without a Docker engine (none runs here): the runner's Dockerfile (ENTRYPOINT,
// CMD, ENV, WORKDIR, VOLUME, USER) and the documented `docker run` command line, so a test can run the very command
// the container would run, on this machine, with a directory standing for each mounted volume.

export interface DockerfileFacts {
  entrypoint: string[];
  cmd: string[];
  /** ENV of the final stage, in order. */
  env: Record<string, string>;
  workdir: string;
  volumes: string[];
  user: string;
}

/** The final stage of a Dockerfile: instructions after its last FROM, continuation lines joined. */
function finalStage(text: string): string[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  const last = lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
  return lines.slice(last + 1).filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
}

function jsonArray(instruction: string, line: string): string[] {
  const value = JSON.parse(line.slice(instruction.length).trim()) as unknown;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new Error(`${instruction} is not in exec form: ${line}`);
  }
  return value;
}

export function dockerfileFacts(text: string): DockerfileFacts {
  const facts: DockerfileFacts = { entrypoint: [], cmd: [], env: {}, workdir: '/', volumes: [], user: 'root' };
  for (const line of finalStage(text)) {
    const [instruction] = line.trim().split(/\s/, 1);
    const rest = line.trim().slice(instruction!.length).trim();
    switch (instruction!.toUpperCase()) {
      case 'ENTRYPOINT':
        facts.entrypoint = jsonArray('ENTRYPOINT', line.trim());
        break;
      case 'CMD':
        facts.cmd = jsonArray('CMD', line.trim());
        break;
      case 'WORKDIR':
        facts.workdir = rest;
        break;
      case 'USER':
        facts.user = rest;
        break;
      case 'VOLUME':
        facts.volumes.push(...jsonArray('VOLUME', line.trim()));
        break;
      case 'ENV':
        for (const [, key, value] of rest.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S*)/g)) facts.env[key!] = value!;
        break;
      default:
    }
  }
  return facts;
}

export interface DockerRun {
  envFiles: string[];
  /** -v source:target[:options], sources as written (with $PWD). */
  volumes: Array<{ source: string; target: string; options: string }>;
  image: string;
  args: string[];
  remove: boolean;
}

/** Splits a shell command line into words: double and single quotes, no expansion (the caller substitutes $PWD). */
function words(line: string): string[] {
  const out: string[] = [];
  for (const [, double, single, bare] of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    out.push(double ?? single ?? bare!);
  }
  return out;
}

/** A `docker run` command line, as documented for the one-shot form. */
export function parseDockerRun(line: string): DockerRun {
  const argv = words(line.trim());
  if (argv[0] !== 'docker' || argv[1] !== 'run') throw new Error(`not a docker run command: ${line}`);
  const run: DockerRun = { envFiles: [], volumes: [], image: '', args: [], remove: false };
  let i = 2;
  for (; i < argv.length && argv[i]!.startsWith('-'); i += 1) {
    const option = argv[i]!;
    if (option === '--rm') run.remove = true;
    else if (option === '--env-file') run.envFiles.push(argv[++i]!);
    else if (option === '-v' || option === '--volume') {
      const [source, target, options] = argv[++i]!.split(':');
      run.volumes.push({ source: source!, target: target!, options: options ?? '' });
    } else throw new Error(`option ${option} is not understood here`);
  }
  run.image = argv[i]!;
  run.args = argv.slice(i + 1);
  return run;
}

/** The documented one-shot command: the `docker run --rm ... run-once` line of README.md. */
export function oneShotCommand(readme: string): string {
  const lines = readme.split('\n').filter((l) => /^docker run --rm .* run-once$/.test(l.trim()));
  if (lines.length !== 1) {
    throw new Error(`README.md should document one docker run ... run-once line, found ${lines.length}`);
  }
  return lines[0]!.trim();
}
