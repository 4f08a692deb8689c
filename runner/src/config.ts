// Reads and validates the runner's configuration from the environment (and a clouds.yaml when OS_CLOUD is set).
// Every problem is reported as one line naming the variable, so a bad deployment fails at start, not at 3 a.m.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import cron from 'node-cron';
import { SERVICE_NAMES, isServiceName, type ServiceName } from './services.js';
import { OpenrcError, parseOpenrc } from './openrc.js';
import { parseImageSetting, type ImageSetting } from './rally/image.js';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string
  ) {
    super(`${variable}: ${message}`);
  }
}

export interface OpenStackCredentials {
  authUrl: string;
  username: string;
  password: string;
  /** OS_PROJECT_NAME: may be absent when OS_PROJECT_ID is set (the id scopes the token then, as in keystoneauth). */
  projectName?: string;
  /** OS_PROJECT_ID, OS_USER_DOMAIN_ID, OS_PROJECT_DOMAIN_ID: each wins over its name in the runner's token request. */
  projectId?: string;
  userDomainName: string;
  userDomainId?: string;
  projectDomainName: string;
  projectDomainId?: string;
  regionName: string;
  interface: 'public' | 'internal' | 'admin';
  cacert?: string;
  insecure: boolean;
  /** OS_APPLICATION_CREDENTIAL_ID/SECRET: when set, the runner's own API calls use it instead of the password. */
  applicationCredential?: { id: string; secret: string };
}

export interface CleanupSettings {
  /** Rally-named resources younger than this are never purged, so a running cycle's resources are safe. */
  minAgeSeconds: number;
  /** A node-cron expression for the full scan. */
  scheduleCron: string;
  /** `refresh=true` requests start a scan at most this often; sooner ones get the latest scan. */
  refreshIntervalSeconds: number;
}

/**
 * Slow-down detection (runner/src/baseline.ts): each atomic action's p95 against a baseline made of its own p95s in
 * earlier cycles of the window.
 */
export interface RegressionSettings {
  /** RALLY_MONITOR_REGRESSION_FACTOR: slow means above the baseline's median times this... */
  factor: number;
  /** RALLY_MONITOR_REGRESSION_SPREADS: ...and above the median plus this many spreads (1.4826 x MAD). */
  spreads: number;
  /** RALLY_MONITOR_REGRESSION_MIN_DELTA: ...and above the median plus this many seconds (jitter is not a slow-down). */
  minDeltaSeconds: number;
  /** RALLY_MONITOR_REGRESSION_CYCLES: consecutive slow cycles before an action is `regressed`. */
  cycles: number;
  /** RALLY_MONITOR_REGRESSION_MIN_SAMPLES: earlier p95s needed before the action is judged at all. */
  minSamples: number;
  /** The window the baseline is taken from: the retention (RALLY_RESULTS_RETENTION_DAYS). */
  windowDays: number;
}

export interface MaintenanceSettings {
  /** The longest window that may be declared. */
  maxDurationSeconds: number;
  /** Alertmanager's base URL for the windows' silences; null: the alert rules alone hold alerts back. */
  alertmanagerUrl: string | null;
  /** A YAML file, or a folder of them, of windows declared ahead of time (maintenance/provisioning.ts). */
  provisioningPath: string | null;
}

export interface Schedule {
  /** A node-cron expression. */
  cron: string;
  /** Where it came from, for messages. */
  source: 'RALLY_SCHEDULE' | 'RALLY_SCHEDULE_INTERVAL';
}

/** How much each service's scenario file does: light runs every hour against production; heavy adds workloads. */
export type Profile = 'light' | 'heavy';
export const PROFILES: readonly Profile[] = ['light', 'heavy'];

export interface Config {
  openstack: OpenStackCredentials;
  schedule: Schedule;
  retentionDays: number;
  novaFlavor: string;
  /** RALLY_NOVA_IMAGE: a name or a /regular expression/, resolved against Glance each cycle (rally/image.ts). */
  novaImage: ImageSetting;
  /** RALLY_NOVA_RESIZE_FLAVOR: what NovaServers.resize_server resizes to; without it that workload is skipped. */
  novaResizeFlavor: string | null;
  /** RALLY_EXTERNAL_NETWORK: the Neutron external network floating IPs come from; without it those workloads are skipped. */
  externalNetwork: string | null;
  /** RALLY_MONITOR_PROFILE, overridden per service by RALLY_MONITOR_PROFILE_<SERVICE>. */
  profiles: Record<ServiceName, Profile>;
  exporterPort: number;
  listenAddress: string;
  dataDir: string;
  services: ServiceName[] | null;
  cloudLabel: string;
  regionLabel: string;
  apiToken: string | null;
  protectReads: boolean;
  runTimeoutSeconds: number;
  iterations: number;
  concurrency: number;
  rallyBin: string;
  /** RALLY_MONITOR_RALLY_DEBUG: Rally runs with --debug and its debug log is kept beside the report. */
  rallyDebug: boolean;
  logLevel: string;
  cleanup: CleanupSettings;
  regressions: RegressionSettings;
  maintenance: MaintenanceSettings;
}

type Env = Record<string, string | undefined>;

/** The OS_* variables the runner reads, from the environment, an openrc file or a clouds.yaml cloud. */
export const OPENSTACK_VARIABLES = [
  'OS_AUTH_URL',
  'OS_USERNAME',
  'OS_PASSWORD',
  'OS_PROJECT_NAME',
  'OS_TENANT_NAME',
  'OS_PROJECT_ID',
  'OS_USER_DOMAIN_NAME',
  'OS_USER_DOMAIN_ID',
  'OS_PROJECT_DOMAIN_NAME',
  'OS_PROJECT_DOMAIN_ID',
  'OS_IDENTITY_API_VERSION',
  'OS_REGION_NAME',
  'OS_INTERFACE',
  'OS_ENDPOINT_TYPE',
  'OS_CACERT',
  'OS_INSECURE',
  'OS_APPLICATION_CREDENTIAL_ID',
  'OS_APPLICATION_CREDENTIAL_SECRET',
] as const;
export type OpenStackVariable = (typeof OPENSTACK_VARIABLES)[number];

const BOOLEAN_WORDS: Record<string, boolean> = {
  true: true,
  '1': true,
  yes: true,
  false: false,
  '0': false,
  no: false,
};

function parseBoolean(variable: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  const parsed = BOOLEAN_WORDS[value.toLowerCase()];
  if (parsed === undefined) throw new ConfigError(variable, `must be true or false (got "${value}")`);
  return parsed;
}

function wholeNumber(variable: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const result = z.coerce
    .number()
    .int()
    .min(min)
    .max(max)
    .safeParse(value.trim() === '' ? NaN : value);
  if (!result.success) throw new ConfigError(variable, `must be a whole number from ${min} to ${max} (got "${value}")`);
  return result.data;
}

/** A decimal number in (min, max] when `above` is set, else in [min, max]. */
function decimal(
  variable: string,
  value: string | undefined,
  fallback: number,
  range: { min: number; max: number; above?: boolean }
): number {
  if (value === undefined || value === '') return fallback;
  const parsed = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  const inRange = range.above ? parsed > range.min : parsed >= range.min;
  if (!Number.isFinite(parsed) || !inRange || parsed > range.max) {
    const what = range.above ? `above ${range.min} and at most ${range.max}` : `from ${range.min} to ${range.max}`;
    throw new ConfigError(variable, `must be a number ${what} (got "${value}")`);
  }
  return parsed;
}

function url(variable: string, value: string): string {
  const result = z.url({ protocol: /^https?$/ }).safeParse(value);
  if (!result.success) throw new ConfigError(variable, `must be an http(s) URL (got "${value}")`);
  return value;
}

/** Turns RALLY_SCHEDULE_INTERVAL minutes into a cron expression that fires on the same wall-clock marks every day. */
export function intervalToCron(minutes: number): string {
  if (minutes < 60 && 60 % minutes === 0) return `*/${minutes} * * * *`;
  if (minutes === 60) return '0 * * * *';
  if (minutes % 60 === 0 && 1440 % minutes === 0) return `0 */${minutes / 60} * * *`;
  throw new ConfigError(
    'RALLY_SCHEDULE_INTERVAL',
    `${minutes} minutes does not divide an hour or a day evenly; use a divisor of 60 or 1440, or set RALLY_SCHEDULE to a cron expression`
  );
}

function schedule(env: Env): Schedule {
  const expression = env.RALLY_SCHEDULE?.trim();
  if (expression) {
    if (!cron.validate(expression)) {
      throw new ConfigError('RALLY_SCHEDULE', `is not a valid cron expression (got "${expression}")`);
    }
    return { cron: expression, source: 'RALLY_SCHEDULE' };
  }
  const minutes = wholeNumber('RALLY_SCHEDULE_INTERVAL', env.RALLY_SCHEDULE_INTERVAL, 60, 1, 1440);
  return { cron: intervalToCron(minutes), source: 'RALLY_SCHEDULE_INTERVAL' };
}

function cloudsYamlPaths(env: Env, cwd: string): string[] {
  if (env.OS_CLIENT_CONFIG_FILE) return [env.OS_CLIENT_CONFIG_FILE];
  return [
    join(cwd, 'clouds.yaml'),
    join(env.HOME ?? homedir(), '.config/openstack/clouds.yaml'),
    '/etc/openstack/clouds.yaml',
  ];
}

/**
 * Rally cannot read clouds.yaml, so the named cloud's entry is translated into the same OS_* values the
 * environment would give. Values set in the environment win, as the OpenStack clients do.
 */
export function cloudsYamlEnv(env: Env, cwd = process.cwd()): Env {
  const cloudName = env.OS_CLOUD;
  if (!cloudName) return {};
  const candidates = cloudsYamlPaths(env, cwd);
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    throw new ConfigError(
      'OS_CLOUD',
      `is "${cloudName}" but no clouds.yaml was found (looked in ${candidates.join(', ')})`
    );
  }
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError('OS_CLOUD', `${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const clouds = (document as { clouds?: Record<string, Record<string, unknown>> } | null)?.clouds;
  const entry = clouds?.[cloudName];
  if (!entry) {
    throw new ConfigError(
      'OS_CLOUD',
      `cloud "${cloudName}" is not in ${path} (it has: ${Object.keys(clouds ?? {}).join(', ') || 'none'})`
    );
  }
  const auth = (entry.auth ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
  const verify = entry.verify;
  // domain_id and domain_name stand for both the user's and the project's domain when those are not given
  // (openstacksdk openstack/config/loader.py, _handle_domain_id).
  return {
    OS_AUTH_URL: text(auth.auth_url),
    OS_USERNAME: text(auth.username),
    OS_PASSWORD: text(auth.password),
    OS_PROJECT_NAME: text(auth.project_name) ?? text(auth.tenant_name),
    OS_PROJECT_ID: text(auth.project_id) ?? text(auth.tenant_id),
    OS_USER_DOMAIN_NAME: text(auth.user_domain_name) ?? text(auth.domain_name),
    OS_USER_DOMAIN_ID: text(auth.user_domain_id) ?? text(auth.domain_id),
    OS_PROJECT_DOMAIN_NAME: text(auth.project_domain_name) ?? text(auth.domain_name),
    OS_PROJECT_DOMAIN_ID: text(auth.project_domain_id) ?? text(auth.domain_id),
    OS_IDENTITY_API_VERSION: text(entry.identity_api_version),
    OS_REGION_NAME: text(entry.region_name),
    OS_INTERFACE: text(entry.interface),
    OS_CACERT: text(entry.cacert),
    OS_INSECURE: verify === false ? 'true' : undefined,
  };
}

/**
 * RALLY_MONITOR_OPENRC: the OS_* assignments of an openrc file. The file is parsed, never run (src/openrc.ts);
 * a problem is reported with the path and line number, never with a value.
 */
export function openrcEnv(env: Env): Env {
  const path = env.RALLY_MONITOR_OPENRC;
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      'RALLY_MONITOR_OPENRC',
      `${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`
    );
  }
  try {
    return parseOpenrc(text, OPENSTACK_VARIABLES);
  } catch (error) {
    if (error instanceof OpenrcError) throw new ConfigError('RALLY_MONITOR_OPENRC', `${path} ${error.message}`);
    throw error;
  }
}

/** A Keystone id (a project's or a domain's): ids are up to 64 characters (keystone's id columns), no spaces. */
function keystoneId(variable: OpenStackVariable, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[^\s\u0000-\u001f]{1,64}$/.test(value)) {
    throw new ConfigError(variable, `must be a Keystone id: 1-64 characters, no spaces (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** The runner speaks Keystone v3 only; an openrc or clouds.yaml of v2 would otherwise fail later, less clearly. */
function identityApiVersion(value: string | undefined): void {
  if (value === undefined || value.trim() === '3') return;
  throw new ConfigError(
    'OS_IDENTITY_API_VERSION',
    `must be 3: the runner speaks the Keystone v3 API only (got ${JSON.stringify(value)})`
  );
}

function required(variable: string, value: string | undefined): string {
  if (!value) throw new ConfigError(variable, 'is required (set it, or set OS_CLOUD to a cloud in clouds.yaml)');
  return value;
}

function services(value: string | undefined): ServiceName[] | null {
  if (!value || value.trim() === '' || value.trim() === 'auto') return null;
  const names = value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((name) => !isServiceName(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      'RALLY_MONITOR_SERVICES',
      `unknown service "${unknown.join('", "')}" (known: ${SERVICE_NAMES.join(', ')})`
    );
  }
  return SERVICE_NAMES.filter((name) => names.includes(name));
}

const LABEL = /^[A-Za-z0-9_.:-]{1,64}$/;

function label(variable: string, value: string): string {
  if (!LABEL.test(value)) throw new ConfigError(variable, `must be 1-64 letters, digits or _.:- (got "${value}")`);
  return value;
}

const DURATION_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** A duration such as `3600`, `90s`, `30m`, `1h` or `2d`, in whole seconds. */
export function durationSeconds(
  variable: string,
  value: string | undefined,
  fallback: number,
  maxSeconds: number
): number {
  if (value === undefined || value.trim() === '') return fallback;
  const match = /^(\d{1,9})\s*([smhd]?)$/.exec(value.trim());
  const seconds = match ? Number(match[1]) * DURATION_UNITS[match[2]!]! : NaN;
  if (!match || seconds > maxSeconds) {
    throw new ConfigError(
      variable,
      `must be a duration such as 3600, 90s, 30m, 1h or 2d, at most ${maxSeconds / 86400} days (got "${value}")`
    );
  }
  return seconds;
}

function cronExpression(variable: string, value: string | undefined, fallback: string): string {
  const expression = value?.trim();
  if (!expression) return fallback;
  if (!cron.validate(expression)) {
    throw new ConfigError(variable, `is not a valid cron expression (got "${expression}")`);
  }
  return expression;
}

function applicationCredential(
  pick: (name: OpenStackVariable) => string | undefined
): { id: string; secret: string } | undefined {
  const id = pick('OS_APPLICATION_CREDENTIAL_ID');
  const secret = pick('OS_APPLICATION_CREDENTIAL_SECRET');
  if (!id && !secret) return undefined;
  if (!id) {
    throw new ConfigError('OS_APPLICATION_CREDENTIAL_ID', 'is required when OS_APPLICATION_CREDENTIAL_SECRET is set');
  }
  if (!secret) {
    throw new ConfigError('OS_APPLICATION_CREDENTIAL_SECRET', 'is required when OS_APPLICATION_CREDENTIAL_ID is set');
  }
  return { id, secret };
}

function profile(variable: string, value: string | undefined, fallback: Profile): Profile {
  if (value === undefined || value.trim() === '') return fallback;
  const name = value.trim().toLowerCase();
  if (!(PROFILES as readonly string[]).includes(name)) {
    throw new ConfigError(variable, `must be one of ${PROFILES.join(', ')} (got "${value}")`);
  }
  return name as Profile;
}

function profiles(env: Env): Record<ServiceName, Profile> {
  const fallback = profile('RALLY_MONITOR_PROFILE', env.RALLY_MONITOR_PROFILE, 'light');
  const variable = (service: ServiceName) => `RALLY_MONITOR_PROFILE_${service.toUpperCase()}`;
  return Object.fromEntries(
    SERVICE_NAMES.map((service) => [service, profile(variable(service), env[variable(service)], fallback)])
  ) as Record<ServiceName, Profile>;
}

const RESOURCE_NAME = /^[^\u0000-\u001f"{}]{1,255}$/;

/** An image, flavor or network name as it goes into a scenario file: one line, no quotes or braces that could break the template. */
/** RALLY_NOVA_IMAGE: a name as resourceName takes it, or a pattern (only its resolved name reaches a task file). */
function imageSetting(value: string | undefined): ImageSetting {
  const slashed = value !== undefined && /^\/.+\/$/s.test(value);
  if (slashed && /[\u0000-\u001f]/.test(value)) {
    throw new ConfigError('RALLY_NOVA_IMAGE', `must not hold control characters (got ${JSON.stringify(value)})`);
  }
  if (!slashed) resourceName('RALLY_NOVA_IMAGE', value);
  try {
    return parseImageSetting(value);
  } catch (error) {
    throw new ConfigError('RALLY_NOVA_IMAGE', `${(error as Error).message} (got ${JSON.stringify(value)})`);
  }
}

function resizeFlavor(value: string | undefined, flavor: string): string | null {
  const name = resourceName('RALLY_NOVA_RESIZE_FLAVOR', value);
  if (name !== null && name === flavor) {
    throw new ConfigError('RALLY_NOVA_RESIZE_FLAVOR', `must differ from RALLY_NOVA_FLAVOR (both are "${name}")`);
  }
  return name;
}

function resourceName(variable: string, value: string | undefined): string | null {
  if (value === undefined || value.trim() === '') return null;
  if (!RESOURCE_NAME.test(value)) {
    throw new ConfigError(
      variable,
      `must be a name of 1-255 characters without quotes, braces or control characters (got ${JSON.stringify(value)})`
    );
  }
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

function logLevel(value: string | undefined): string {
  if (value === undefined || value === '') return 'info';
  if (!LOG_LEVELS.includes(value)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${value}")`);
  }
  return value;
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const fromYaml = cloudsYamlEnv(env, cwd);
  const fromOpenrc = openrcEnv(env);
  // The environment wins, then the openrc file, then the clouds.yaml cloud; an empty value counts as unset.
  const given = (value: string | undefined) => (value !== undefined && value !== '' ? value : undefined);
  const pick = (name: OpenStackVariable) => given(env[name]) ?? given(fromOpenrc[name]) ?? given(fromYaml[name]);

  const iface = pick('OS_INTERFACE') ?? pick('OS_ENDPOINT_TYPE') ?? 'public';
  const normalisedInterface = iface.replace(/URL$/, '');
  if (!['public', 'internal', 'admin'].includes(normalisedInterface)) {
    throw new ConfigError('OS_INTERFACE', `must be public, internal or admin (got "${iface}")`);
  }
  const cacert = pick('OS_CACERT');
  if (cacert && !existsSync(cacert)) throw new ConfigError('OS_CACERT', `file not found: ${cacert}`);
  const regionName = pick('OS_REGION_NAME') ?? 'RegionOne';
  const token = env.RALLY_MONITOR_API_TOKEN;
  if (token !== undefined && token !== '' && token.length < 16) {
    throw new ConfigError('RALLY_MONITOR_API_TOKEN', 'must be at least 16 characters long');
  }
  const appCredential = applicationCredential(pick);

  const protectReads = parseBoolean('RALLY_MONITOR_PROTECT_READS', env.RALLY_MONITOR_PROTECT_READS, false);
  if (protectReads && !token) {
    throw new ConfigError('RALLY_MONITOR_PROTECT_READS', 'is true but RALLY_MONITOR_API_TOKEN is not set');
  }
  const authUrl = url('OS_AUTH_URL', required('OS_AUTH_URL', pick('OS_AUTH_URL')));
  const username = required('OS_USERNAME', pick('OS_USERNAME'));
  const password = required('OS_PASSWORD', pick('OS_PASSWORD'));
  identityApiVersion(pick('OS_IDENTITY_API_VERSION'));
  const projectId = keystoneId('OS_PROJECT_ID', pick('OS_PROJECT_ID'));
  const userDomainId = keystoneId('OS_USER_DOMAIN_ID', pick('OS_USER_DOMAIN_ID'));
  const projectDomainId = keystoneId('OS_PROJECT_DOMAIN_ID', pick('OS_PROJECT_DOMAIN_ID'));
  const projectName = pick('OS_PROJECT_NAME') ?? pick('OS_TENANT_NAME');
  if (!projectName && !projectId) {
    throw new ConfigError(
      'OS_PROJECT_NAME',
      'is required unless OS_PROJECT_ID is set (set one, or set OS_CLOUD to a cloud in clouds.yaml, or RALLY_MONITOR_OPENRC to an openrc file)'
    );
  }

  const retentionDays = wholeNumber('RALLY_RESULTS_RETENTION_DAYS', env.RALLY_RESULTS_RETENTION_DAYS, 7, 1, 3650);

  const novaFlavor = resourceName('RALLY_NOVA_FLAVOR', env.RALLY_NOVA_FLAVOR) ?? 'm1.tiny';

  return {
    openstack: {
      authUrl,
      username,
      password,
      ...(projectName ? { projectName } : {}),
      ...(projectId ? { projectId } : {}),
      userDomainName: pick('OS_USER_DOMAIN_NAME') ?? 'Default',
      ...(userDomainId ? { userDomainId } : {}),
      projectDomainName: pick('OS_PROJECT_DOMAIN_NAME') ?? 'Default',
      ...(projectDomainId ? { projectDomainId } : {}),
      regionName,
      interface: normalisedInterface as OpenStackCredentials['interface'],
      ...(cacert ? { cacert } : {}),
      insecure: parseBoolean('OS_INSECURE', pick('OS_INSECURE'), false),
      ...(appCredential ? { applicationCredential: appCredential } : {}),
    },
    schedule: schedule(env),
    retentionDays,
    novaFlavor,
    novaImage: imageSetting(env.RALLY_NOVA_IMAGE),
    novaResizeFlavor: resizeFlavor(env.RALLY_NOVA_RESIZE_FLAVOR, novaFlavor),
    externalNetwork: resourceName('RALLY_EXTERNAL_NETWORK', env.RALLY_EXTERNAL_NETWORK),
    profiles: profiles(env),
    exporterPort: wholeNumber('EXPORTER_PORT', env.EXPORTER_PORT, 9101, 0, 65535),
    listenAddress: env.RALLY_MONITOR_LISTEN_ADDRESS || '0.0.0.0',
    dataDir: resolve(cwd, env.RALLY_MONITOR_DATA_DIR || '/var/lib/rally-monitor'),
    services: services(env.RALLY_MONITOR_SERVICES),
    cloudLabel: label('RALLY_MONITOR_CLOUD', env.RALLY_MONITOR_CLOUD || 'default'),
    regionLabel: label('RALLY_MONITOR_REGION', env.RALLY_MONITOR_REGION || regionName),
    apiToken: token || null,
    protectReads,
    runTimeoutSeconds: wholeNumber('RALLY_MONITOR_RUN_TIMEOUT', env.RALLY_MONITOR_RUN_TIMEOUT, 3000, 10, 86400),
    iterations: wholeNumber('RALLY_MONITOR_ITERATIONS', env.RALLY_MONITOR_ITERATIONS, 2, 1, 1000),
    concurrency: wholeNumber('RALLY_MONITOR_CONCURRENCY', env.RALLY_MONITOR_CONCURRENCY, 1, 1, 100),
    rallyBin: env.RALLY_BIN || 'rally',
    rallyDebug: parseBoolean('RALLY_MONITOR_RALLY_DEBUG', env.RALLY_MONITOR_RALLY_DEBUG, false),
    logLevel: logLevel(env.LOG_LEVEL),
    cleanup: {
      minAgeSeconds: durationSeconds(
        'RALLY_MONITOR_CLEANUP_MIN_AGE',
        env.RALLY_MONITOR_CLEANUP_MIN_AGE,
        3600,
        30 * 86400
      ),
      scheduleCron: cronExpression('RALLY_MONITOR_CLEANUP_SCHEDULE', env.RALLY_MONITOR_CLEANUP_SCHEDULE, '30 * * * *'),
      refreshIntervalSeconds: durationSeconds(
        'RALLY_MONITOR_CLEANUP_REFRESH_INTERVAL',
        env.RALLY_MONITOR_CLEANUP_REFRESH_INTERVAL,
        60,
        86400
      ),
    },
    regressions: {
      factor: decimal('RALLY_MONITOR_REGRESSION_FACTOR', env.RALLY_MONITOR_REGRESSION_FACTOR, 1.5, {
        min: 1,
        max: 100,
        above: true,
      }),
      spreads: decimal('RALLY_MONITOR_REGRESSION_SPREADS', env.RALLY_MONITOR_REGRESSION_SPREADS, 3, {
        min: 0,
        max: 100,
      }),
      minDeltaSeconds: decimal('RALLY_MONITOR_REGRESSION_MIN_DELTA', env.RALLY_MONITOR_REGRESSION_MIN_DELTA, 0.25, {
        min: 0,
        max: 3600,
      }),
      cycles: wholeNumber('RALLY_MONITOR_REGRESSION_CYCLES', env.RALLY_MONITOR_REGRESSION_CYCLES, 3, 1, 1000),
      minSamples: wholeNumber(
        'RALLY_MONITOR_REGRESSION_MIN_SAMPLES',
        env.RALLY_MONITOR_REGRESSION_MIN_SAMPLES,
        12,
        3,
        100_000
      ),
      windowDays: retentionDays,
    },
    maintenance: {
      maxDurationSeconds: durationSeconds(
        'RALLY_MONITOR_MAINTENANCE_MAX_DURATION',
        env.RALLY_MONITOR_MAINTENANCE_MAX_DURATION,
        86400,
        30 * 86400
      ),
      alertmanagerUrl: env.RALLY_MONITOR_ALERTMANAGER_URL
        ? url('RALLY_MONITOR_ALERTMANAGER_URL', env.RALLY_MONITOR_ALERTMANAGER_URL)
        : null,
      provisioningPath: env.RALLY_MONITOR_MAINTENANCE_PROVISIONING
        ? resolve(cwd, env.RALLY_MONITOR_MAINTENANCE_PROVISIONING)
        : null,
    },
  };
}

/** The secrets this configuration holds, for scrubbing anything the runner stores or prints. */
export function secretsOf(config: Config): string[] {
  return [config.openstack.password, config.apiToken, config.openstack.applicationCredential?.secret].filter(
    (s): s is string => Boolean(s) && s!.length >= 4
  );
}
