// Glance v2 images; an administrator's listing covers every project's.
import { listAll } from '../../openstack/session.js';
import { deleteUrl, listed, type ResourceKind } from '../kind.js';

export const glanceKinds: ResourceKind[] = [
  {
    service: 'glance',
    type: 'image',
    stage: 0,
    async list(ctx) {
      const images = await listAll(ctx.session, `${ctx.base}/images`, { style: 'links', key: 'images' });
      // An image whose deletion was cut short (Glance stopped mid-way) can stay listed as `deleted`; it is gone for
      // every purpose, and Glance refuses to delete it again.
      return images
        .filter((raw) => raw.status !== 'deleted' && raw.status !== 'pending_delete')
        .map((raw) => listed(raw, { project: ['owner'], created: ['created_at'] }));
    },
    remove: (ctx, item) => deleteUrl(ctx, `${ctx.base}/images/${encodeURIComponent(item.id)}`),
  },
];
