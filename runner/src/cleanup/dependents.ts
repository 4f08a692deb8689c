// Which other services may hold resources that use a resource of a given type, so that a purge never deletes
// something while a service that may still depend on it could not be listed. Within one service the purge's stages
// keep the order; across services this is the only guard (the APIs refuse some of these deletions, not all:
// Neutron deletes a port a server still uses, Keystone a project that still owns servers and volumes).
import { SERVICE_NAMES, type ServiceName } from '../services.js';

const EVERY_SERVICE = SERVICE_NAMES;

/** Resource type -> the services whose resources may use it. Types not listed are used by nothing elsewhere. */
const USED_BY: Readonly<Record<string, readonly ServiceName[]>> = {
  // Every project-scoped resource of every service belongs to a project; a user owns keypairs, credentials, trusts.
  project: EVERY_SERVICE,
  user: EVERY_SERVICE,
  // Servers sit on networks, ports and security groups and use floating IPs.
  floating_ip: ['nova'],
  trunk: ['nova'],
  router: ['nova'],
  port: ['nova'],
  subnet: ['nova'],
  network: ['nova'],
  security_group: ['nova'],
  // Servers boot from images and volumes; volumes are made from images.
  image: ['nova', 'cinder'],
  volume: ['nova'],
  volume_snapshot: ['nova'],
  volume_type: ['nova'],
  // Compute nodes' allocations.
  resource_provider: ['nova'],
};

/** The services other than the resource's own that may hold resources using one of this type. */
export function usedBy(service: ServiceName, type: string): readonly ServiceName[] {
  return (USED_BY[type] ?? []).filter((other) => other !== service);
}
