// `rally-monitor canary deploy|status|destroy`: the CLI face of deploy.ts. Prints one line per canary (or the
// JSON the API answers, with --json); exit 0 when all is well, 2 when some canary failed or does not answer,
// 1 when the command could not run.
import { ConfigError, loadConfig, type Config } from '../../config.js';
import { OpenStackSession } from '../../openstack/session.js';
import { CanaryDeployer } from './deploy.js';
import { canarySettings } from './settings.js';

export const CANARY_DEPLOY_USAGE = `  rally-monitor canary deploy [--per-az N] [--json]   boot one canary (or N) per availability zone; replaces only missing or broken ones
  rally-monitor canary status [--json]               each canary's server state and whether its agent answers /health
  rally-monitor canary destroy [--json]              delete the canaries, their security group and their registry entries`;

export class UsageError extends Error {}

export function parseCanaryArgs(argv: string[]): {
  action: 'deploy' | 'status' | 'destroy';
  perAz?: number;
  json: boolean;
} {
  const [action, ...rest] = argv;
  if (action !== 'deploy' && action !== 'status' && action !== 'destroy') {
    throw new UsageError(`unknown canary command "${action ?? ''}" (deploy, status, destroy, serve)`);
  }
  let perAz: number | undefined;
  let json = false;
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i]!;
    if (arg === '--json') json = true;
    else if (action === 'deploy' && (arg === '--per-az' || arg.startsWith('--per-az='))) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : rest[++i];
      if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 20) {
        throw new UsageError(`--per-az takes a whole number from 1 to 20 (got "${value ?? ''}")`);
      }
      perAz = Number(value);
    } else {
      throw new UsageError(`canary ${action}: unknown argument "${arg}"`);
    }
  }
  return { action, ...(perAz !== undefined ? { perAz } : {}), json };
}

export async function canaryDeployCommand(
  config: Config,
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)
): Promise<number> {
  const args = parseCanaryArgs(argv);
  const settings = canarySettings(env, config, args.action === 'deploy' ? 'deploy' : 'inspect');
  const session = new OpenStackSession(config.openstack);
  const deployer = new CanaryDeployer({ dataDir: config.dataDir, session, settings });
  try {
    if (args.action === 'deploy') {
      const outcome = await deployer.deploy(args.perAz === undefined ? {} : { perAz: args.perAz });
      if (args.json) write(JSON.stringify(outcome, null, 2));
      else {
        write(
          `security group ${outcome.securityGroup.name} (${outcome.securityGroup.id})${outcome.securityGroup.created ? ' created' : ''}; zones: ${outcome.zones.join(', ')}`
        );
        for (const c of outcome.canaries) {
          write(
            `${c.action.padEnd(8)} ${c.name}  ${c.availabilityZone}  ${c.serverStatus}  ${c.address ?? '(no address)'}`
          );
        }
        for (const f of outcome.failed) write(`FAILED   ${f.name}  ${f.availabilityZone}  ${f.reason}`);
        for (const name of outcome.surplus) write(`surplus  ${name}  (not asked for; destroy removes it)`);
      }
      return outcome.failed.length > 0 ? 2 : 0;
    }
    if (args.action === 'status') {
      const report = await deployer.status();
      if (args.json) write(JSON.stringify(report, null, 2));
      else {
        if (report.canaries.length === 0) write('no canaries (rally-monitor canary deploy boots them)');
        for (const c of report.canaries) {
          const agent = c.agent.answers ? 'agent answers' : `agent does not answer (${c.agent.error ?? 'unknown'})`;
          write(
            `${c.name}  ${c.availabilityZone}  ${c.serverStatus ?? '(not ours)'}  ${c.address ?? '(no address)'}:${c.port}  ${agent}`
          );
        }
      }
      const healthy = report.canaries.every(
        (c) => (c.serverStatus === null || c.serverStatus === 'ACTIVE') && c.agent.answers
      );
      return healthy ? 0 : 2;
    }
    const outcome = await deployer.destroy();
    if (args.json) write(JSON.stringify(outcome, null, 2));
    else {
      for (const d of outcome.deleted) write(`deleted  ${d.name} (${d.serverId})`);
      for (const f of outcome.failed) write(`FAILED   ${f.name} (${f.serverId}): ${f.reason}`);
      write(
        outcome.securityGroup
          ? `security group ${outcome.securityGroup.id} ${outcome.securityGroup.deleted ? 'deleted' : 'NOT deleted (still in use)'}`
          : 'no canary security group'
      );
      write(`${outcome.unregistered} registry entries removed`);
    }
    return outcome.failed.length > 0 || outcome.securityGroup?.deleted === false ? 2 : 0;
  } finally {
    await session.close();
  }
}

/** The command as `rally-monitor canary deploy|status|destroy ...` runs it: configuration from the environment. */
export async function canaryDeployMain(argv: string[]): Promise<number> {
  try {
    const config = loadConfig();
    // As for every command: what the runner writes under the data directory (the registry) is private.
    process.umask(0o077);
    return await canaryDeployCommand(config, argv);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      const prefix = error instanceof ConfigError ? 'configuration error: ' : '';
      process.stderr.write(`rally-monitor: ${prefix}${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
