// Placement resource providers (no creation time in the API; ages come from when the monitor first saw them).
import { listAll } from '../../openstack/session.js';
import { deleteUrl, listed, type ResourceKind } from '../kind.js';

export const PLACEMENT_HEADERS = { 'openstack-api-version': 'placement 1.14' };

export const placementKinds: ResourceKind[] = [
  {
    service: 'placement',
    type: 'resource_provider',
    stage: 6,
    async list(ctx) {
      const providers = await listAll(
        ctx.session,
        `${ctx.base}/resource_providers`,
        { style: 'none', key: 'resource_providers' },
        PLACEMENT_HEADERS
      );
      return providers.map((raw) => listed(raw, { id: 'uuid' }));
    },
    remove: (ctx, item) =>
      deleteUrl(ctx, `${ctx.base}/resource_providers/${encodeURIComponent(item.id)}`, PLACEMENT_HEADERS),
  },
];
