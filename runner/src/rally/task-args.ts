// The arguments every scenario file is rendered with (Rally's Jinja2 `--task-args`), and the workloads left out
// because something they need is absent. One table decides both: a scenario file wraps each optional workload in
// `{% if "<Scenario.name>" not in skip %}`, and the runner reports the same entries, with their reasons, as skipped.
import { join } from 'node:path';
import type { Config, Profile } from '../config.js';
import type { SkippedWorkload } from '../model.js';
import type { ServiceName } from '../services.js';
import type { ImageChoice } from './image.js';

/** The small raw image Glance's workloads upload, shipped with the scenario files (nothing is downloaded). */
export const GLANCE_IMAGE_FILE = join('files', 'tiny.raw');

type Need = { service: ServiceName } | 'image' | 'external-network' | 'resize-flavor';

export interface OptionalWorkload {
  service: ServiceName;
  scenario: string;
  needs: readonly Need[];
  /** Only in this profile's file (a heavy-only workload is not "skipped" in a light run). */
  profile?: Profile;
}

const NEEDS_IMAGE: readonly Need[] = ['image'];

/**
 * The workloads the light profile runs once whatever RALLY_MONITOR_ITERATIONS says (`times: 1` in the file): each
 * boots a server and does more with it than the boot checks, which run every hour against production.
 */
export const LIGHT_ONCE: readonly string[] = [
  'NovaServers.snapshot_server',
  'NovaServers.resize_server',
  'CinderVolumes.create_and_attach_volume',
];

/**
 * Whose quotas the heavy profile lifts (-1) for Rally's temporary projects, per scenario file, so the quotas of the
 * monitoring cloud's defaults never turn into false reds (the `quotas` context, rally-openstack
 * rally_openstack/task/contexts/quotas/quotas.py). The light profile leaves quotas as they are.
 */
export const QUOTA_SERVICES: Record<ServiceName, readonly string[]> = {
  keystone: [],
  nova: ['nova'],
  neutron: ['neutron'],
  glance: [],
  cinder: ['cinder', 'nova'],
  swift: [],
  placement: [],
};

export const OPTIONAL_WORKLOADS: readonly OptionalWorkload[] = [
  ...(['glance', 'nova', 'cinder', 'neutron'] as const).map((other) => ({
    service: 'keystone' as const,
    scenario: `Authenticate.validate_${other}`,
    needs: [{ service: other }],
  })),
  { service: 'nova', scenario: 'NovaServers.boot_and_delete_server', needs: NEEDS_IMAGE },
  { service: 'nova', scenario: 'NovaServers.boot_and_list_server', needs: NEEDS_IMAGE },
  {
    service: 'nova',
    scenario: 'NovaServers.boot_server_associate_and_dissociate_floating_ip',
    needs: [{ service: 'neutron' }, 'external-network', 'image'],
  },
  { service: 'nova', scenario: 'NovaServers.snapshot_server', needs: NEEDS_IMAGE },
  { service: 'nova', scenario: 'NovaServers.resize_server', needs: ['image', 'resize-flavor'] },
  { service: 'nova', scenario: 'NovaServers.boot_and_rebuild_server', needs: NEEDS_IMAGE, profile: 'heavy' },
  { service: 'cinder', scenario: 'CinderVolumes.create_and_attach_volume', needs: [{ service: 'nova' }, 'image'] },
];

/** Whether any workload of this service's file (in its profile) boots the configured image. */
export function needsImage(config: Config, service: ServiceName): boolean {
  return OPTIONAL_WORKLOADS.some(
    (w) => w.service === service && (!w.profile || w.profile === config.profiles[service]) && w.needs.includes('image')
  );
}

function missing(need: Need, config: Config, inCatalog: readonly ServiceName[], image: ImageChoice): string | null {
  if (need === 'image') return 'skip' in image ? image.skip : null;
  if (need === 'resize-flavor') {
    return config.novaResizeFlavor
      ? null
      : 'no flavor to resize to: RALLY_NOVA_RESIZE_FLAVOR is not set (a flavor other than RALLY_NOVA_FLAVOR)';
  }
  if (need === 'external-network') {
    return config.externalNetwork ? null : 'no external network for floating IPs: RALLY_EXTERNAL_NETWORK is not set';
  }
  return inCatalog.includes(need.service) ? null : `${need.service} is not in the catalog`;
}

/** The workloads of this service's file that are left out this cycle, each with the first reason that applies. */
export function skippedWorkloads(
  config: Config,
  service: ServiceName,
  inCatalog: readonly ServiceName[],
  image: ImageChoice
): SkippedWorkload[] {
  const profile = config.profiles[service];
  const skipped: SkippedWorkload[] = [];
  for (const workload of OPTIONAL_WORKLOADS) {
    if (workload.service !== service || (workload.profile && workload.profile !== profile)) continue;
    const reason = workload.needs.map((need) => missing(need, config, inCatalog, image)).find((r) => r !== null);
    if (reason) skipped.push({ scenario: workload.scenario, reason });
  }
  return skipped;
}

export interface TaskPlan {
  args: Record<string, unknown>;
  skipped: SkippedWorkload[];
}

/**
 * The task args and skipped workloads of one service's task. `image` is what Glance resolved RALLY_NOVA_IMAGE to
 * this cycle (an `error` choice is the caller's to report: the task is not run).
 */
export function taskPlan(
  config: Config,
  service: ServiceName,
  inCatalog: readonly ServiceName[],
  scenariosDir: string,
  image: ImageChoice
): TaskPlan {
  const skipped = skippedWorkloads(config, service, inCatalog, image);
  return {
    skipped,
    args: {
      iterations: config.iterations,
      concurrency: config.concurrency,
      profile: config.profiles[service],
      services: inCatalog,
      flavor: config.novaFlavor,
      resize_flavor: config.novaResizeFlavor,
      image: 'name' in image ? image.name : null,
      image_file: join(scenariosDir, GLANCE_IMAGE_FILE),
      external_network: config.externalNetwork,
      skip: skipped.map((s) => s.scenario),
    },
  };
}
