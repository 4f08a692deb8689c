// Cinder: backups, then snapshots, then volumes (each waited for, since Cinder deletes in the background), then
// the volume types and QoS specs they used.
import { listAll } from '../../openstack/session.js';
import { deleteUrl, listed, type ResourceKind } from '../kind.js';

const id = encodeURIComponent;
// 3.18 names a backup's project.
const HEADERS = { 'openstack-api-version': 'volume 3.18' };

function volumeKind(type: string, collection: string, stage: number, projectField: string): ResourceKind {
  return {
    service: 'cinder',
    type,
    stage,
    async list(ctx) {
      const items = await listAll(
        ctx.session,
        `${ctx.base}/${collection}/detail?all_tenants=1`,
        { style: 'links', key: collection },
        HEADERS
      );
      return items.map((raw) => listed(raw, { project: [projectField, 'project_id'], created: ['created_at'] }));
    },
    remove: (ctx, item) => deleteUrl(ctx, `${ctx.base}/${collection}/${id(item.id)}`, HEADERS),
    pollUrl: (ctx, item) => `${ctx.base}/${collection}/${id(item.id)}`,
  };
}

export const cinderKinds: ResourceKind[] = [
  volumeKind('volume_backup', 'backups', 1, 'os-backup-project-attr:project_id'),
  volumeKind('volume_snapshot', 'snapshots', 2, 'os-extended-snapshot-attributes:project_id'),
  volumeKind('volume', 'volumes', 3, 'os-vol-tenant-attr:tenant_id'),
  {
    service: 'cinder',
    type: 'volume_type',
    stage: 4,
    async list(ctx) {
      const types = await listAll(
        ctx.session,
        `${ctx.base}/types?is_public=None`,
        { style: 'none', key: 'volume_types' },
        HEADERS
      );
      return types.map((raw) => listed(raw, {}));
    },
    remove: (ctx, item) => deleteUrl(ctx, `${ctx.base}/types/${id(item.id)}`, HEADERS),
  },
  {
    service: 'cinder',
    type: 'qos_spec',
    stage: 5,
    async list(ctx) {
      const specs = await listAll(ctx.session, `${ctx.base}/qos-specs`, { style: 'links', key: 'qos_specs' }, HEADERS);
      return specs.map((raw) => listed(raw, {}));
    },
    // force disassociates it from any volume type first.
    remove: (ctx, item) => deleteUrl(ctx, `${ctx.base}/qos-specs/${id(item.id)}?force=True`, HEADERS),
  },
];
