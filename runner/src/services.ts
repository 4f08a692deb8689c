/**
 * The seven core services the monitor knows, in the order every listing uses, with the catalog types that
 * identify each in a Keystone catalog. Cinder registers under several types across releases.
 */
export const SERVICE_NAMES = ['keystone', 'nova', 'neutron', 'glance', 'cinder', 'swift', 'placement'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const CATALOG_TYPES: Record<ServiceName, readonly string[]> = {
  keystone: ['identity'],
  nova: ['compute'],
  neutron: ['network'],
  glance: ['image'],
  cinder: ['block-storage', 'volumev3', 'volumev2', 'volume'],
  swift: ['object-store'],
  placement: ['placement'],
};

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

/** Service names found in a list of catalog types, in the canonical order. */
export function servicesInCatalog(catalogTypes: Iterable<string>): ServiceName[] {
  const types = new Set(catalogTypes);
  return SERVICE_NAMES.filter((service) => CATALOG_TYPES[service].some((type) => types.has(type)));
}
