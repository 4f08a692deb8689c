// What `canary deploy` boots and how the agents are configured, from the environment (README, "Configuration").
// Read when a canary command or route runs, so a runner that never deploys canaries needs none of it.
import { ConfigError, type Config } from '../../config.js';

export interface CanarySettings {
  /** Glance image (name or id) with cloud-init and a container engine. */
  image: string;
  /** Nova flavor (name or id). */
  flavor: string;
  /** A Neutron network (name or id), `auto` (Nova picks or allocates one) or `none` (port-less; test clouds only). */
  network: string;
  /** The security group the canaries share; it admits the agent port only from itself. */
  securityGroup: string;
  port: number;
  /** The agents' DATACENTER label. */
  datacenter: string;
  /** The runner's peers route as the canaries reach it (CANARY_DISCOVERY_URL of every agent). */
  discoveryUrl: string;
  /** The container image whose entrypoint is `rally-monitor canary serve` (runner/Dockerfile.canary). */
  agentImage: string;
  /** A CIDR (Prometheus's) also admitted to the agent port and the node exporter's, or null. */
  scrapeCidr: string | null;
  /** Canaries per availability zone. */
  perAz: number;
  /** How long deploy waits for a new server to leave BUILD. */
  bootTimeoutSeconds: number;
}

type Env = Record<string, string | undefined>;

/** One line of printable text: it goes into an env file and a YAML document. */
const PLAIN = /^[^\u0000-\u001f\u007f]{1,255}$/;
/** A container image reference: registry/path:tag or @digest, no spaces. */
const IMAGE_REF = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,254}$/;

function plain(variable: string, value: string): string {
  if (!PLAIN.test(value)) {
    throw new ConfigError(variable, `must be one line of 1-255 printable characters (got ${JSON.stringify(value)})`);
  }
  return value;
}

function whole(variable: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
    throw new ConfigError(variable, `must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return number;
}

function cidr(variable: string, value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  const v6 = /^[0-9a-fA-F:]+\/(\d{1,3})$/.exec(value);
  const ok = v4
    ? v4.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(v4[5]) <= 32
    : v6 !== null && value.includes(':') && Number(v6[1]) <= 128;
  if (!ok) throw new ConfigError(variable, `must be an IPv4 or IPv6 CIDR such as 10.0.0.0/24 (got "${value}")`);
  return value;
}

function httpUrl(variable: string, value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new ConfigError(
      variable,
      "is required for canaries: the URL the canaries reach this runner's /api/canary/peers on " +
        '(e.g. http://10.0.0.2:9101/api/canary/peers)'
    );
  }
  let parsed: URL | null = null;
  try {
    parsed = new URL(value);
  } catch {
    // reported below
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || !PLAIN.test(value) || /\s/.test(value)) {
    throw new ConfigError(variable, `must be an http(s) URL (got ${JSON.stringify(value)})`);
  }
  return value;
}

/**
 * `deploy` needs everything; `inspect` (status, destroy) only what finds and probes the canaries, so the settings
 * that only go into new servers (images, discovery URL) may be missing.
 */
export type CanaryPurpose = 'deploy' | 'inspect';

export function canarySettings(env: Env, config: Config, purpose: CanaryPurpose = 'deploy'): CanarySettings {
  if (purpose === 'inspect') {
    env = {
      RALLY_MONITOR_CANARY_DISCOVERY_URL: 'http://unused.invalid/',
      RALLY_MONITOR_CANARY_AGENT_IMAGE: 'unused',
      RALLY_MONITOR_CANARY_IMAGE: 'unused',
      ...Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')),
    };
  }
  const discoveryUrl = httpUrl('RALLY_MONITOR_CANARY_DISCOVERY_URL', env.RALLY_MONITOR_CANARY_DISCOVERY_URL);
  // RALLY_NOVA_IMAGE may be a /pattern/ (rally/image.ts) and defaults to rally-jobs' cirros pattern, neither of
  // which names the image with cloud-init and Docker a canary needs: only a name or id written there is taken.
  const novaImage =
    config.novaImage && !config.novaImage.pattern && !config.novaImage.isDefault ? config.novaImage.text : null;
  const image = env.RALLY_MONITOR_CANARY_IMAGE || novaImage;
  if (!image) {
    throw new ConfigError(
      'RALLY_MONITOR_CANARY_IMAGE',
      'is required for canaries (or RALLY_NOVA_IMAGE): an image with cloud-init and a container engine'
    );
  }
  const agentImage = env.RALLY_MONITOR_CANARY_AGENT_IMAGE;
  if (!agentImage) {
    throw new ConfigError(
      'RALLY_MONITOR_CANARY_AGENT_IMAGE',
      'is required for canaries: the canary agent container image (built from runner/Dockerfile.canary)'
    );
  }
  if (!IMAGE_REF.test(agentImage)) {
    throw new ConfigError(
      'RALLY_MONITOR_CANARY_AGENT_IMAGE',
      `must be a container image reference (got ${JSON.stringify(agentImage)})`
    );
  }
  return {
    image: plain('RALLY_MONITOR_CANARY_IMAGE', image),
    flavor: plain('RALLY_MONITOR_CANARY_FLAVOR', env.RALLY_MONITOR_CANARY_FLAVOR || config.novaFlavor),
    network: plain('RALLY_MONITOR_CANARY_NETWORK', env.RALLY_MONITOR_CANARY_NETWORK || 'auto'),
    securityGroup: plain(
      'RALLY_MONITOR_CANARY_SECURITY_GROUP',
      env.RALLY_MONITOR_CANARY_SECURITY_GROUP || 'rally-monitor-canary'
    ),
    port: whole('RALLY_MONITOR_CANARY_PORT', env.RALLY_MONITOR_CANARY_PORT, 8080, 1, 65535),
    datacenter: plain('RALLY_MONITOR_CANARY_DATACENTER', env.RALLY_MONITOR_CANARY_DATACENTER || config.regionLabel),
    discoveryUrl,
    agentImage,
    scrapeCidr: cidr('RALLY_MONITOR_CANARY_SCRAPE_CIDR', env.RALLY_MONITOR_CANARY_SCRAPE_CIDR),
    perAz: whole('RALLY_MONITOR_CANARY_PER_AZ', env.RALLY_MONITOR_CANARY_PER_AZ, 1, 1, 20),
    bootTimeoutSeconds: whole('RALLY_MONITOR_CANARY_BOOT_TIMEOUT', env.RALLY_MONITOR_CANARY_BOOT_TIMEOUT, 600, 1, 7200),
  };
}
