// runner/Dockerfile.canary, the canary agent's image, checked without a Docker engine (none runs here): what it
// copies exists, it runs as a user, and its entry command, run as a command line from the repository root (the
// image's WORKDIR holds the same layout), starts the agent: a bad setting gets the agent's one-line configuration
// error, and a good one a /health that answers, on a loopback port. Needs the runner built (npm run build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { readText, repoPath } from './lib/repo.mjs';

const dockerfile = readText('runner', 'Dockerfile.canary');
const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1] ?? 'null');
const workdir = [...dockerfile.matchAll(/^WORKDIR (\S+)$/gm)].at(-1)?.[1];
/** Runs the entry command from the repository root (the image's WORKDIR) with `env`; bounded in time. */
function runEntry(env, { untilHealthyOn } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, entrypoint.slice(1), {
      cwd: repoPath('.'),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.resume();
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    let healthy = null;
    if (untilHealthyOn) {
      const poll = async () => {
        for (let i = 0; i < 100 && child.exitCode === null; i += 1) {
          const answer = await fetch(`http://127.0.0.1:${untilHealthyOn}/health`, { signal: AbortSignal.timeout(1000) })
            .then((r) => r.status)
            .catch(() => null);
          if (answer !== null) {
            healthy = answer;
            child.kill('SIGTERM');
            return;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        child.kill('SIGTERM');
      };
      void poll();
    }
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stderr, healthy });
    });
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

test('the canary image copies what exists, runs as a user, and its entry command is the agent', () => {
  for (const [, source] of dockerfile.matchAll(/^COPY (?!--from)(\S+)/gm)) {
    assert.ok(existsSync(repoPath(source)), `Dockerfile.canary copies missing ${source}`);
  }
  assert.match(dockerfile, /^USER (?!root)\S+$/m);
  assert.equal(workdir, '/app');
  assert.deepEqual(entrypoint, ['node', 'runner/dist/src/cli.js', 'canary', 'serve']);
  assert.ok(existsSync(repoPath('runner/Dockerfile.canary.dockerignore')), 'a build context of its own');
  // The cloud-init unit of `canary deploy` runs this image with the agent's settings in an env file.
  assert.match(readText('runner', 'src/canary/deploy/user-data.ts'), /docker run --rm --name rally-monitor-canary/);
});

test('the entry command stops a misconfigured agent with one configuration line', async () => {
  const { code, stderr } = await runEntry({ TRAFFIC_INTERVAL: '0', PEER_ENDPOINTS: 'http://127.0.0.1:9/' });
  assert.equal(code, 1, stderr);
  assert.match(stderr, /configuration error: TRAFFIC_INTERVAL/);
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
});

test('the entry command starts the agent, which answers /health on its port', async () => {
  const port = await freePort();
  const { healthy, stderr } = await runEntry(
    { CANARY_LISTEN_ADDRESS: '127.0.0.1', CANARY_PORT: String(port), CANARY_ID: 'image-test', PEER_ENDPOINTS: '' },
    { untilHealthyOn: port }
  );
  assert.equal(healthy, 200, stderr);
});
