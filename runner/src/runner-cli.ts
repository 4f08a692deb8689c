// rally-monitor's runner commands (loaded by cli.ts for everything but `canary serve`): `serve` runs the scheduler
// and the HTTP API; `run-once` runs one cycle and exits 0 when every tested service passed, 2 when any failed or
// could not be tested, 1 when the monitor could not run.
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, loadConfig, secretsOf, type Config } from './config.js';
import type { ProgressEvent } from './cycle.js';
import { HistoryStore } from './history/store.js';
import { buildServer } from './http/server.js';
import { createLogger } from './logger.js';
import { RunnerMetrics } from './metrics.js';
import { Monitor } from './monitor.js';
import { Rally } from './rally/rally.js';
import { leakSummary, summaryTable } from './summary.js';
import { CLEANUP_USAGE, cleanupCommand } from './cleanup/command.js';
import { openCleanup } from './cleanup/setup.js';
import { tasksOfStore } from './cleanup/tasks.js';
import { CANARY_DEPLOY_USAGE, canaryDeployMain } from './canary/deploy/command.js';
import { CanaryDeployer } from './canary/deploy/deploy.js';
import { canarySettings } from './canary/deploy/settings.js';
import { OpenStackSession } from './openstack/session.js';
import { Maintenance } from './maintenance/maintenance.js';
import { MAINTENANCE_USAGE, maintenanceCommand } from './maintenance/command.js';
import { MaintenanceFileError } from './maintenance/store.js';
import { ProvisioningError } from './maintenance/provisioning.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const USAGE = `rally-monitor ${VERSION}: Rally-based synthetic monitoring of an OpenStack cloud

Usage:
${CANARY_DEPLOY_USAGE}
  rally-monitor serve       run cycles on the schedule and serve /metrics, /health and the API
  rally-monitor run-once    run one cycle now, print a summary; exit 0 pass, 2 fail/error, 1 monitor failure
${CLEANUP_USAGE}
  rally-monitor canary serve   the dataplane canary agent: probe the peers, serve /metrics (docs/canary.md)
${MAINTENANCE_USAGE}
  rally-monitor --version

Configuration comes from the environment; see README.md ("Configuration").`;

function progressPrinter(write: (line: string) => void) {
  return (event: ProgressEvent) => {
    if (event.kind === 'detected') {
      write(
        `detected: testing ${event.tested.join(', ') || 'nothing'}${event.absent.length ? `; absent: ${event.absent.join(', ')}` : ''}`
      );
    } else if (event.kind === 'service-start') {
      write(`[${event.index + 1}/${event.total}] ${event.service}: running Rally task...`);
    } else if (event.kind === 'workload-done') {
      write(`      ${event.service}: workload ${event.completed} of ${event.total} done`);
    } else {
      const r = event.result;
      write(
        `[${event.index + 1}/${event.total}] ${event.service}: ${r.state.toUpperCase()} in ${r.durationSeconds?.toFixed(1)} s${r.reason ? ` - ${r.reason}` : ''}`
      );
    }
  };
}

async function setUp(config: Config, logToStderr: boolean) {
  const secrets = secretsOf(config);
  const logger = createLogger(config.logLevel, secrets, logToStderr ? process.stderr : process.stdout);
  const store = new HistoryStore(join(config.dataDir, 'runs'), (message, details) =>
    logger.warn(details ?? {}, message)
  );
  const opened = await store.open();
  logger.info({ dataDir: config.dataDir, ...opened, quarantined: store.quarantined }, 'history loaded');
  const dataMode = (await stat(config.dataDir)).mode & 0o777;
  if (dataMode & 0o077) {
    logger.warn(
      { dataDir: config.dataDir, mode: dataMode.toString(8) },
      "the data directory is readable by other users; it holds Rally's credential: chmod 700 it"
    );
  }
  const rally = new Rally({
    bin: config.rallyBin,
    home: join(config.dataDir, 'rally'),
    envName: `rally-monitor-${config.cloudLabel}-${config.regionLabel}`,
  });
  await rally.ensureDatabase();
  const metrics = new RunnerMetrics({ cloud: config.cloudLabel, region: config.regionLabel }, VERSION);
  // A windows file that is not valid stops the start here (MaintenanceFileError), before anything could overwrite it.
  const maintenance = await Maintenance.open(config, { logger, registry: metrics.registry });
  return { secrets, logger, store, rally, metrics, maintenance };
}

async function runOnce(config: Config): Promise<number> {
  const parts = await setUp(config, true);
  // The same leak scans before and after the cycle as `serve`, so a one-off run also says what it left behind.
  const cleanup = await openCleanup(config, { ...parts, tasks: () => tasksOfStore(parts.store) });
  const monitor = new Monitor(
    { config, ...parts, hooks: cleanup.hooks },
    progressPrinter((line) => process.stderr.write(`${line}\n`))
  );
  const started = monitor.start('cli');
  if (!started.started) return 1;
  const stop = () => {
    process.stderr.write('stopping: aborting the running Rally task...\n');
    void monitor.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const cycle = await started.done;
  process.stdout.write(`${summaryTable(cycle)}\n`);
  if (monitor.wasUnrecorded(cycle.id)) {
    process.stderr.write(`rally-monitor: ${cycle.reason}\n`);
    await cleanup.stop();
    return 1;
  }
  const tested = cycle.services.some((s) => s.state !== 'absent');
  if (tested && cycle.status !== 'aborted') {
    process.stdout.write(`${leakSummary(cycle.id, cleanup.scanAfter(cycle.id)).join('\n')}\n`);
  }
  await cleanup.stop();
  if (cycle.status === 'pass') return 0;
  if (cycle.status === 'aborted') return 1;
  return 2;
}

async function serve(config: Config): Promise<number> {
  const parts = await setUp(config, false);
  const cleanup = await openCleanup(config, {
    ...parts,
    registry: parts.metrics.registry,
    tasks: () => tasksOfStore(parts.store),
  });
  const monitor = new Monitor(
    { config, ...parts, hooks: cleanup.hooks },
    progressPrinter((line) => parts.logger.info(line))
  );
  monitor.restoreMetrics();
  // One session for the canary routes; the settings are read per request, so a runner without canaries needs none.
  const canarySession = new OpenStackSession(config.openstack);
  parts.maintenance.schedule();
  const server = buildServer({
    monitor,
    metrics: parts.metrics,
    logger: parts.logger,
    apiToken: config.apiToken,
    protectReads: config.protectReads,
    cleanup,
    canaryDeployer: (purpose) =>
      new CanaryDeployer({
        dataDir: config.dataDir,
        session: canarySession,
        settings: canarySettings(process.env, config, purpose),
      }),
    maintenance: parts.maintenance,
  });
  const address = await server.listen({ port: config.exporterPort, host: config.listenAddress });
  monitor.schedule();
  cleanup.schedule();
  parts.logger.info(
    {
      address,
      schedule: config.schedule.cron,
      staleAfterSeconds: monitor.staleAfterSeconds,
      mutatingApi: Boolean(config.apiToken),
    },
    'rally-monitor serving'
  );
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      // At once, before anything is awaited: from here POST routes answer 503 and no cycle starts.
      monitor.beginStopping();
      parts.logger.info({ signal, running: monitor.runningId() }, 'stopping');
      resolve();
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  await monitor.stop();
  await cleanup.stop();
  parts.maintenance.stop();
  await server.close();
  await canarySession.close();
  parts.logger.info('stopped');
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  if (command === 'canary' && ['deploy', 'status', 'destroy'].includes(argv[1] ?? '')) {
    return canaryDeployMain(argv.slice(1));
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  // Windows go through the running runner's API: no OpenStack configuration needed here.
  if (command === 'maintenance') return maintenanceCommand(argv.slice(1));
  if (command !== 'serve' && command !== 'run-once' && command !== 'cleanup') {
    process.stderr.write(`${USAGE}\n`);
    return command === undefined || command === '--help' || command === '-h' || command === 'help' ? 0 : 1;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`rally-monitor: configuration error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  // Everything the runner and Rally create under the data directory is private (README: "keep the data directory
  // private"): Rally writes its reports with the process umask, so the umask is what makes them 0600.
  process.umask(0o077);
  if (command === 'cleanup') {
    const secrets = secretsOf(config);
    return cleanupCommand(config, argv.slice(1), createLogger(config.logLevel, secrets, process.stderr), secrets);
  }
  return command === 'serve' ? serve(config) : runOnce(config);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof MaintenanceFileError || error instanceof ProvisioningError) {
      process.stderr.write(`rally-monitor: maintenance windows: ${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`rally-monitor: ${error.message}\n`);
    process.exit(1);
  }
);
