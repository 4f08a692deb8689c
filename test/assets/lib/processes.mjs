// Daemons started by a test (Prometheus, Alertmanager): started on loopback ports, logged to files,
// stopped by their own pid.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a truthy value, and returns that value. Says what it waits for every 30 s, and
 * fails with `what` and the last probe error at the deadline.
 */
export async function waitFor(what, probe, { timeoutMs = 60_000, intervalMs = 500, log = console.log } = {}) {
  const started = Date.now();
  let lastReport = started;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    const now = Date.now();
    if (now - started > timeoutMs) {
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`
      );
    }
    if (now - lastReport >= 30_000) {
      log(`# still waiting for ${what} (${Math.round((now - started) / 1000)} s)`);
      lastReport = now;
    }
    await sleep(intervalMs);
  }
}

export class Daemon {
  constructor(name, command, args, { env = process.env, cwd, logFile }) {
    this.name = name;
    this.logFile = logFile;
    const log = createWriteStream(logFile, { flags: 'a' });
    this.child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout.pipe(log);
    this.child.stderr.pipe(log);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.child.once('error', (error) => log.write(`spawn failed: ${error.message}\n`));
  }

  get alive() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The end of the daemon's log, for failure messages. */
  tail(lines = 30) {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  async stop(signal = 'SIGTERM', graceMs = 15_000) {
    if (!this.alive) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.alive && this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export async function getJson(url, init) {
  const response = await fetch(url, init);
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}
