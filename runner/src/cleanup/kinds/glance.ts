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
      return images.map((raw) => listed(raw, { project: ['owner'], created: ['created_at'] }));
    },
    remove: (ctx, item) => deleteUrl(ctx, `${ctx.base}/images/${encodeURIComponent(item.id)}`),
  },
];
