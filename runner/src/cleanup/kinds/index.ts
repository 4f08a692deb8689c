import type { ServiceName } from '../../services.js';
import type { ResourceKind } from '../kind.js';
import { cinderKinds } from './cinder.js';
import { glanceKinds } from './glance.js';
import { keystoneKinds } from './keystone.js';
import { neutronKinds } from './neutron.js';
import { novaKinds } from './nova.js';
import { placementKinds } from './placement.js';
import { swiftKinds } from './swift.js';

export const RESOURCE_KINDS: readonly ResourceKind[] = [
  ...keystoneKinds,
  ...novaKinds,
  ...neutronKinds,
  ...glanceKinds,
  ...cinderKinds,
  ...swiftKinds,
  ...placementKinds,
];

export const RESOURCE_TYPES: readonly string[] = RESOURCE_KINDS.map((kind) => kind.type);

export function kindsOf(service: ServiceName): ResourceKind[] {
  return RESOURCE_KINDS.filter((kind) => kind.service === service);
}

export function kindOf(type: string): ResourceKind | undefined {
  return RESOURCE_KINDS.find((kind) => kind.type === type);
}

/** The service's versioned API root from its catalog endpoint (catalogs differ in whether they include it). */
export function apiRoot(service: ServiceName, endpoint: string): string {
  const url = endpoint.replace(/\/+$/, '');
  if (service === 'keystone') return /\/v3$/.test(url) ? url : `${url}/v3`;
  if (service === 'neutron') return /\/v2\.0$/.test(url) ? url : `${url}/v2.0`;
  if (service === 'glance') return /\/v2$/.test(url) ? url : `${url}/v2`;
  return url;
}
