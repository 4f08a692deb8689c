// Swift containers of the monitor's own account (its endpoint is per project). A container must be empty before
// it can go, and whatever a Rally container holds is Rally's too.
import { listAll, mapLimited, OpenStackError } from '../../openstack/session.js';
import { deleteUrl, isoTime, type ResourceKind } from '../kind.js';

const id = encodeURIComponent;

export const swiftKinds: ResourceKind[] = [
  {
    service: 'swift',
    type: 'container',
    stage: 0,
    async list(ctx) {
      const containers = await listAll(ctx.session, ctx.base, { style: 'swift' });
      return containers.map((raw) => ({
        id: String(raw.name),
        name: String(raw.name),
        project: ctx.token.projectId ?? null,
        userId: null,
        createdAt: isoTime(raw.last_modified),
      }));
    },
    async remove(ctx, item) {
      const container = `${ctx.base}/${id(item.id)}`;
      for (;;) {
        const objects = await listAll(ctx.session, container, { style: 'swift' }).catch((error: unknown) => {
          if (error instanceof OpenStackError && error.status === 404) return null; // already gone
          throw error;
        });
        if (objects === null) return;
        if (objects.length === 0) break;
        await mapLimited(objects, 4, (object) => deleteUrl(ctx, `${container}/${String(object.name).split('/').map(id).join('/')}`));
      }
      await deleteUrl(ctx, container);
    },
  },
];
