// The arguments every scenario file is rendered with (Rally's Jinja2 `--task-args`), and the workloads left out
// because something they need is absent. One table decides both: a scenario file wraps each optional workload in
// `{% if "<Scenario.name>" not in skip %}`, and the runner reports the same entries, with their reasons, as skipped.
import { join } from 'node:path';
import type { Config, Profile } from '../config.js';
import type { SkippedWorkload } from '../model.js';
import type { ServiceName } from '../services.js';

/** The small raw image Glance's workloads upload, shipped with the scenario files (nothing is downloaded). */
export const GLANCE_IMAGE_FILE = join('files', 'tiny.raw');

type Need = { service: ServiceName } | 'image' | 'external-network';

export interface OptionalWorkload {
  service: ServiceName;
  scenario: string;
  needs: readonly Need[];
  /** Only in this profile's file (a heavy-only workload is not "skipped" in a light run). */
  profile?: Profile;
}

const NEEDS_IMAGE: readonly Need[] = ['image'];

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
  { service: 'nova', scenario: 'NovaServers.boot_and_rebuild_server', needs: NEEDS_IMAGE, profile: 'heavy' },
];

function missing(need: Need, config: Config, inCatalog: readonly ServiceName[]): string | null {
  if (need === 'image') return config.novaImage ? null : 'no image to boot: RALLY_NOVA_IMAGE is not set';
  if (need === 'external-network') {
    return config.externalNetwork ? null : 'no external network for floating IPs: RALLY_EXTERNAL_NETWORK is not set';
  }
  return inCatalog.includes(need.service) ? null : `${need.service} is not in the catalog`;
}

/** The workloads of this service's file that are left out this cycle, each with the first reason that applies. */
export function skippedWorkloads(
  config: Config,
  service: ServiceName,
  inCatalog: readonly ServiceName[]
): SkippedWorkload[] {
  const profile = config.profiles[service];
  const skipped: SkippedWorkload[] = [];
  for (const workload of OPTIONAL_WORKLOADS) {
    if (workload.service !== service || (workload.profile && workload.profile !== profile)) continue;
    const reason = workload.needs.map((need) => missing(need, config, inCatalog)).find((r) => r !== null);
    if (reason) skipped.push({ scenario: workload.scenario, reason });
  }
  return skipped;
}

export interface TaskPlan {
  args: Record<string, unknown>;
  skipped: SkippedWorkload[];
}

export function taskPlan(
  config: Config,
  service: ServiceName,
  inCatalog: readonly ServiceName[],
  scenariosDir: string
): TaskPlan {
  const skipped = skippedWorkloads(config, service, inCatalog);
  return {
    skipped,
    args: {
      iterations: config.iterations,
      concurrency: config.concurrency,
      profile: config.profiles[service],
      services: inCatalog,
      flavor: config.novaFlavor,
      image: config.novaImage,
      image_file: join(scenariosDir, GLANCE_IMAGE_FILE),
      external_network: config.externalNetwork,
      skip: skipped.map((s) => s.scenario),
    },
  };
}
