// Keystone: projects and users (Rally's `users` context makes c_rally_ ones, and leaks them when its cleanup fails).
import { listAll } from '../../openstack/session.js';
import { deleteUrl, listed, type KindContext, type Listed, type ResourceKind } from '../kind.js';

/** Every user of the cloud; shared with the Nova keypair listing, which asks per user. */
export function keystoneUsers(ctx: KindContext, base: string): Promise<Array<Record<string, unknown>>> {
  return ctx.shared('keystone-users', () => listAll(ctx.session, `${base}/users`, { style: 'links', key: 'users' }));
}

export const keystoneKinds: ResourceKind[] = [
  {
    service: 'keystone',
    type: 'user',
    stage: 8,
    async list(ctx) {
      return (await keystoneUsers(ctx, ctx.base)).map((raw) => listed(raw, { project: ['default_project_id'] }));
    },
    remove: (ctx, item: Listed) => deleteUrl(ctx, `${ctx.base}/users/${encodeURIComponent(item.id)}`),
  },
  {
    service: 'keystone',
    type: 'project',
    stage: 9,
    async list(ctx) {
      const projects = await listAll(ctx.session, `${ctx.base}/projects`, { style: 'links', key: 'projects' });
      return projects.map((raw) => ({ ...listed(raw, {}), project: String(raw.id) }));
    },
    remove: (ctx, item) => deleteUrl(ctx, `${ctx.base}/projects/${encodeURIComponent(item.id)}`),
  },
];
