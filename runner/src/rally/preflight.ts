// Checks what a task's arguments name in the cloud when Rally does not: Rally takes any floating IP network name and
// only fails mid-iteration, which would read as a red Nova when the monitor's setting is what is wrong.
import type { Config } from '../config.js';
import { OpenStackError, OpenStackSession } from '../openstack/session.js';
import type { ServiceName } from '../services.js';

/** Why the task cannot run as configured, or null. A cloud that does not answer is left to the task to report. */
export async function preflightProblem(
  config: Config,
  service: ServiceName,
  args: Record<string, unknown>,
  openSession: () => Pick<OpenStackSession, 'endpoint' | 'request' | 'close'> = () =>
    new OpenStackSession(config.openstack, { retries: 1 })
): Promise<string | null> {
  const network = args.external_network;
  const skip = (args.skip ?? []) as string[];
  const needsNetwork =
    service === 'nova' &&
    typeof network === 'string' &&
    !skip.includes('NovaServers.boot_server_associate_and_dissociate_floating_ip');
  if (!needsNetwork) return null;
  const session = openSession();
  try {
    const neutron = await session.endpoint('neutron');
    if (!neutron) return null;
    const query = new URLSearchParams({ name: network, 'router:external': 'true' });
    const response = await session.request(`${neutron.replace(/\/$/, '')}/v2.0/networks?${query}`);
    const found = (response.body as { networks?: unknown[] } | null)?.networks ?? [];
    if (found.length === 0) {
      return `external network '${network}' not found in Neutron (RALLY_EXTERNAL_NETWORK names a network with router:external)`;
    }
    return null;
  } catch (error) {
    if (error instanceof OpenStackError) return null;
    throw error;
  } finally {
    await session.close();
  }
}
