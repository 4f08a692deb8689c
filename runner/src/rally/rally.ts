// The runner's own Rally: a private database and HOME under the data dir (Rally keeps its default environment in
// ~/.rally/globals, shared by every Rally database on the machine), an environment created from the configuration
// and recreated only when it changes, and every call naming that environment explicitly.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OpenStackCredentials } from '../config.js';
import { usesIds } from './credentials.js';
import { runInProcessGroup, type GroupRunResult } from './process.js';

export interface RallyOptions {
  bin: string;
  /** Rally's private home: database, config, HOME. Holds the credential Rally needs, so it is kept 0700. */
  home: string;
  envName: string;
}

export interface TaskRun extends GroupRunResult {
  taskUuid: string | null;
}

const TASK_UUID = /(?:Task\s+|Using task: )([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/;

export function taskUuidFromOutput(output: string): string | null {
  return TASK_UUID.exec(output)?.[1] ?? null;
}

/**
 * Rally plugins a task file needs live next to it, in plugins/ (the rally-jobs convention); Rally 3.3 takes them
 * as the global `--plugin-paths DIR` option, before the command.
 */
export function pluginPathArgs(taskFile: string): string[] {
  const dir = join(dirname(taskFile), 'plugins');
  return existsSync(dir) ? ['--plugin-paths', dir] : [];
}

export class RallyError extends Error {
  constructor(
    message: string,
    readonly output: string
  ) {
    super(message);
  }
}

/** Rally's existing@openstack spec: names only (see credentials.ts, which resolves ids first). */
export function environmentSpec(credentials: OpenStackCredentials): Record<string, unknown> {
  if (usesIds(credentials) || !credentials.projectName) {
    throw new Error("Rally's existing@openstack spec takes names only: resolve the ids first (rallyCredentials)");
  }
  return {
    'existing@openstack': {
      auth_url: credentials.authUrl,
      region_name: credentials.regionName,
      endpoint_type: credentials.interface,
      https_insecure: credentials.insecure,
      ...(credentials.cacert ? { https_cacert: credentials.cacert } : {}),
      admin: {
        username: credentials.username,
        password: credentials.password,
        project_name: credentials.projectName,
        user_domain_name: credentials.userDomainName,
        project_domain_name: credentials.projectDomainName,
      },
    },
  };
}

/** Wall time during which at least one Rally process ran: what the runner's own overhead is measured against. */
class BusyClock {
  private active = 0;
  private since = 0;
  private total = 0;

  enter(): void {
    if (this.active++ === 0) this.since = performance.now();
  }

  leave(): void {
    if (--this.active === 0) this.total += performance.now() - this.since;
  }

  seconds(): number {
    return (this.total + (this.active > 0 ? performance.now() - this.since : 0)) / 1000;
  }
}

export class Rally {
  readonly configFile: string;
  readonly databaseFile: string;
  private readonly busy = new BusyClock();

  constructor(readonly options: RallyOptions) {
    this.configFile = join(options.home, 'rally.conf');
    this.databaseFile = join(options.home, 'rally.db');
  }

  private env(): Record<string, string> {
    return {
      HOME: this.options.home,
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'C.UTF-8',
      // Rally's SQLAlchemy layer prints pages of deprecation warnings that bury the lines that matter.
      PYTHONWARNINGS: 'ignore',
      // Unbuffered, so the kept log interleaves Rally's stdout and stderr in the order they happened.
      PYTHONUNBUFFERED: '1',
    };
  }

  private async run(
    args: readonly string[],
    extra: Partial<Parameters<typeof runInProcessGroup>[2]> = {}
  ): Promise<GroupRunResult> {
    this.busy.enter();
    try {
      return await runInProcessGroup(this.options.bin, ['--config-file', this.configFile, ...args], {
        env: this.env(),
        ...extra,
      });
    } finally {
      this.busy.leave();
    }
  }

  /** Seconds of wall time so far during which a Rally process ran. */
  busySeconds(): number {
    return this.busy.seconds();
  }

  private async must(what: string, args: readonly string[], signal?: AbortSignal): Promise<string> {
    const result = await this.run(args, signal ? { signal } : {});
    if (result.exitCode !== 0) {
      const tail = result.output.trim().split('\n').slice(-3).join(' | ');
      throw new RallyError(`${what} failed (rally exit ${result.exitCode}): ${tail}`, result.output);
    }
    return result.output;
  }

  async ensureDatabase(): Promise<void> {
    await mkdir(this.options.home, { recursive: true, mode: 0o700 });
    const connection = `sqlite:///${this.databaseFile}`;
    await writeFile(this.configFile, `[database]\nconnection = ${connection}\n`, { mode: 0o600 });
    await this.must('rally db ensure', ['db', 'ensure']);
  }

  /** Bytes of Rally's database file, or null when it cannot be read. */
  async databaseSize(): Promise<number | null> {
    return stat(this.databaseFile).then(
      (s) => s.size,
      () => null
    );
  }

  /**
   * Deletes tasks, with their results, from Rally's database; returns how many were deleted. `rally task delete
   * --uuid A B ...` stops at the first uuid it does not know (rally/cli/commands/task.py catches only DBConflict),
   * so only uuids that `rally task list` shows are passed; `--force` also deletes tasks left in a running state by
   * a kill. `task list` wants a deployment name even with `--all-deployments` (its with_default_deployment
   * decorator runs first), and the runner never sets a default one.
   */
  async deleteTasks(uuids: readonly string[]): Promise<number> {
    if (uuids.length === 0) return 0;
    const listed = await this.must('rally task list', [
      'task',
      'list',
      '--deployment',
      this.options.envName,
      '--all-deployments',
      '--uuids-only',
    ]);
    const known = new Set(listed.split('\n').map((line) => line.trim()));
    const present = [...new Set(uuids)].filter((uuid) => known.has(uuid));
    for (let i = 0; i < present.length; i += 100) {
      await this.must('rally task delete', ['task', 'delete', '--force', '--uuid', ...present.slice(i, i + 100)]);
    }
    return present.length;
  }

  /** Creates the environment, or recreates it when the credentials or endpoint changed since the last cycle. */
  async ensureEnvironment(credentials: OpenStackCredentials): Promise<'kept' | 'created'> {
    const spec = JSON.stringify(environmentSpec(credentials));
    const fingerprint = createHash('sha256').update(spec).digest('hex');
    const fingerprintFile = join(this.options.home, `${this.options.envName}.fingerprint`);
    const known = await readFile(fingerprintFile, 'utf8').catch(() => null);
    const exists = (await this.run(['env', 'show', this.options.envName, '--json'])).exitCode === 0;
    if (exists && known === fingerprint) return 'kept';
    if (exists) await this.run(['env', 'delete', this.options.envName, '--force']);
    const specFile = join(this.options.home, `${this.options.envName}.spec.json`);
    await writeFile(specFile, spec, { mode: 0o600 });
    try {
      await this.must('rally env create', [
        'env',
        'create',
        '--name',
        this.options.envName,
        '--spec',
        specFile,
        '--no-use',
      ]);
    } finally {
      await rm(specFile, { force: true });
    }
    await writeFile(fingerprintFile, fingerprint, { mode: 0o600 });
    return 'created';
  }

  /** Runs a task command with the task args in a private file (they may name cloud resources, never secrets, yet stay 0600). */
  private async withTaskArgs(
    command: 'start' | 'validate',
    taskFile: string,
    taskArgs: Record<string, unknown>,
    extraArgs: readonly string[],
    options: { logFile?: string; debugLogFile?: string; signal?: AbortSignal; onLine?: (line: string) => void }
  ): Promise<GroupRunResult> {
    const argsFile = join(this.options.home, `task-args-${process.pid}-${Date.now()}-${command}.json`);
    await writeFile(argsFile, JSON.stringify(taskArgs), { mode: 0o600 });
    try {
      return await this.run(
        [
          ...pluginPathArgs(taskFile),
          // Global options, before the command: DEBUG records go to the file (and, as Rally logs, to stderr too).
          ...(options.debugLogFile ? ['--debug', '--log-file', options.debugLogFile] : []),
          'task',
          command,
          taskFile,
          '--task-args-file',
          argsFile,
          '--deployment',
          this.options.envName,
          ...extraArgs,
        ],
        {
          ...(options.logFile ? { logFile: options.logFile } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onLine ? { onLine: options.onLine } : {}),
        }
      );
    } finally {
      await rm(argsFile, { force: true });
    }
  }

  async startTask(
    taskFile: string,
    taskArgs: Record<string, unknown>,
    options: {
      tag: string;
      logFile: string;
      debugLogFile?: string;
      signal?: AbortSignal;
      onLine?: (line: string) => void;
    }
  ): Promise<TaskRun> {
    const result = await this.withTaskArgs('start', taskFile, taskArgs, ['--tag', options.tag, '--no-use'], options);
    return { ...result, taskUuid: taskUuidFromOutput(result.output) };
  }

  /** `rally task validate`: renders the template and checks every workload against the cloud, creating no task. */
  async validateTask(
    taskFile: string,
    taskArgs: Record<string, unknown>,
    options: { logFile?: string; debugLogFile?: string; signal?: AbortSignal } = {}
  ): Promise<GroupRunResult> {
    return this.withTaskArgs('validate', taskFile, taskArgs, [], options);
  }

  /** Writes the task's JSON report, static HTML report and JUnit XML; each one that fails is reported, not fatal. */
  async exportTask(
    taskUuid: string,
    paths: { json: string; html: string; junit: string },
    signal?: AbortSignal
  ): Promise<{ json: boolean; html: boolean; junit: boolean; problems: string[] }> {
    const problems: string[] = [];
    const attempt = async (what: string, args: string[]) => {
      try {
        await this.must(what, args, signal);
        return true;
      } catch (error) {
        problems.push((error as Error).message);
        return false;
      }
    };
    // Each call pays Rally's ~2 s start-up; running them side by side keeps the runner's overhead down.
    const [json, html, junit] = await Promise.all([
      attempt('rally task report --json', ['task', 'report', taskUuid, '--json', '--out', paths.json]),
      attempt('rally task report --html-static', ['task', 'report', taskUuid, '--html-static', '--out', paths.html]),
      attempt('rally task export junit-xml', ['task', 'export', taskUuid, '--type', 'junit-xml', '--to', paths.junit]),
    ]);
    return { json, html, junit, problems };
  }
}
