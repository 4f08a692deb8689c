// A real Alertmanager (Debian's prometheus-alertmanager, installed by scripts/ensure.sh) on a free loopback port,
// with its own storage, for tests of the maintenance silences. No cluster: it listens on nothing else.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './runner-process.js';

export interface RunningAlertmanager {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
  silences(): Promise<
    Array<{
      id: string;
      matchers: Array<{ name: string; value: string; isRegex: boolean; isEqual?: boolean }>;
      startsAt: string;
      endsAt: string;
      createdBy: string;
      comment: string;
      status: { state: string };
    }>
  >;
}

export async function startAlertmanager(dir: string): Promise<RunningAlertmanager> {
  await mkdir(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'alertmanager.yml');
  await writeFile(config, 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    'prometheus-alertmanager',
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  );
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Alertmanager exited: ${log}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Alertmanager was not ready within 20 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
    async silences() {
      return (await fetch(`${url}/api/v2/silences`)).json() as ReturnType<RunningAlertmanager['silences']>;
    },
  };
}
