// A runner wired as `serve` wires it, minus the network listener, for tests of the API and the metrics.
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { HistoryStore } from '../../src/history/store.js';
import { openCleanup } from '../../src/cleanup/setup.js';
import { tasksOfStore } from '../../src/cleanup/tasks.js';
import { buildServer } from '../../src/http/server.js';
import { RunnerMetrics } from '../../src/metrics.js';
import { Monitor } from '../../src/monitor.js';
import { Rally } from '../../src/rally/rally.js';
import { Maintenance } from '../../src/maintenance/maintenance.js';
import { tempDir } from '../helpers.js';

export const API_TOKEN = 'unit-test-token-0123456789';

/** `seed` runs before the history is opened, on the runs folder (to plant records as a previous runner left them). */
export async function monitorFixture(
  env: Record<string, string> = {},
  seed?: (runsDir: string) => Promise<void>,
  dataDirIn?: string
) {
  const dataDir = dataDirIn ?? (await tempDir());
  const config = loadConfig({
    // Nothing listens on port 9: a cycle ends at once with Keystone unreachable, without Rally.
    OS_AUTH_URL: 'http://127.0.0.1:9/v3',
    OS_USERNAME: 'admin',
    OS_PASSWORD: 'unit-test-password',
    OS_PROJECT_NAME: 'admin',
    RALLY_MONITOR_DATA_DIR: dataDir,
    RALLY_MONITOR_API_TOKEN: API_TOKEN,
    ...env,
  });
  const logger = pino({ level: 'silent' });
  const store = new HistoryStore(join(dataDir, 'runs'));
  await seed?.(store.root);
  await store.open();
  const rally = new Rally({ bin: 'rally', home: join(dataDir, 'rally'), envName: 'unit' });
  const metrics = new RunnerMetrics({ cloud: config.cloudLabel, region: config.regionLabel }, '0.0.0-test');
  const secrets = ['unit-test-password'];
  const cleanup = await openCleanup(config, {
    logger,
    secrets,
    registry: metrics.registry,
    tasks: () => tasksOfStore(store),
  });
  const maintenance = await Maintenance.open(config, { logger, registry: metrics.registry });
  const monitor = new Monitor({ config, rally, store, logger, secrets, metrics, hooks: cleanup.hooks, maintenance });
  const routes: Array<[string, string]> = [];
  const app = buildServer({
    monitor,
    metrics,
    logger,
    apiToken: config.apiToken,
    protectReads: config.protectReads,
    cleanup,
    maintenance,
    onRoute: (method, url) => routes.push([method, url]),
  });
  monitor.restoreMetrics();
  await app.ready();
  return { app, monitor, metrics, store, config, dataDir, routes, cleanup, maintenance };
}
