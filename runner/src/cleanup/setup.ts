// Builds the cleanup monitor from the runner's configuration, for `serve` and for the `cleanup` command.
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import { OpenStackSession } from '../openstack/session.js';
import { CleanupMetrics } from './metrics.js';
import { CleanupMonitor } from './monitor.js';
import { rallyTasksIn, type TaskIndex } from './tasks.js';

export interface CleanupSetup {
  logger: Logger;
  secrets: readonly string[];
  /** The runner's metrics registry; none for the CLI. */
  registry?: Registry;
  tasks: () => TaskIndex | Promise<TaskIndex>;
}

export function cleanupDir(config: Config): string {
  return join(config.dataDir, 'cleanup');
}

/** The runner's Rally database: the Rally home is <dataDir>/rally (runner-cli.ts), its database rally.db (rally/rally.ts). */
export function rallyDatabaseOf(config: Config): string {
  return join(config.dataDir, 'rally', 'rally.db');
}

export function openCleanup(config: Config, setup: CleanupSetup): Promise<CleanupMonitor> {
  const logger = setup.logger.child({ component: 'cleanup' });
  return CleanupMonitor.open({
    session: new OpenStackSession(config.openstack),
    settings: config.cleanup,
    dir: cleanupDir(config),
    logger,
    secrets: setup.secrets,
    tasks: setup.tasks,
    rallyTasks: () => rallyTasksIn(rallyDatabaseOf(config), (message) => logger.warn(message)),
    ...(setup.registry ? { metrics: new CleanupMetrics(setup.registry) } : {}),
  });
}
