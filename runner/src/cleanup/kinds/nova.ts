// Nova: servers, keypairs (per user), flavors, server groups. Microversion 2.53 lists keypairs of any user
// (2.10), pages them (2.35), and names server groups' projects.
import { listAll } from '../../openstack/session.js';
import { parseRallyName } from '../names.js';
import { deleteUrl, listed, type ResourceKind } from '../kind.js';
import { keystoneUsers } from './keystone.js';

export const NOVA_HEADERS = { 'x-openstack-nova-api-version': '2.53', 'openstack-api-version': 'compute 2.53' };

const id = encodeURIComponent;

export const novaKinds: ResourceKind[] = [
  {
    service: 'nova',
    type: 'server',
    stage: 0,
    async list(ctx) {
      const servers = await listAll(
        ctx.session,
        `${ctx.base}/servers/detail?all_tenants=1`,
        { style: 'links', key: 'servers' },
        NOVA_HEADERS
      );
      return servers.map((raw) => listed(raw, { project: ['tenant_id', 'project_id'], created: ['created'] }));
    },
    remove: (ctx, item) => deleteUrl(ctx, `${ctx.base}/servers/${id(item.id)}`, NOVA_HEADERS),
    pollUrl: (ctx, item) => `${ctx.base}/servers/${id(item.id)}`,
  },
  {
    service: 'nova',
    type: 'keypair',
    stage: 1,
    async list(ctx) {
      // Keypairs belong to users, and Nova lists them one user at a time: the token's user, and the users Rally's
      // `users` context made (c_rally_), which its scenarios run as. Users a scenario made (s_rally_, from
      // KeystoneBasic) never own keypairs, and asking for each would cost a request per user.
      const keystone = await ctx.baseOf('keystone');
      const users = keystone ? await keystoneUsers(ctx, keystone) : [];
      const userIds = new Set<string>(ctx.token.userId ? [ctx.token.userId] : []);
      for (const user of users) {
        if (parseRallyName(String(user.name ?? ''))?.prefix === 'c_rally_') userIds.add(String(user.id));
      }
      const lists = await Promise.all(
        [...userIds].map(async (userId) => {
          const pairs = await listAll(
            ctx.session,
            `${ctx.base}/os-keypairs?user_id=${id(userId)}`,
            { style: 'links', key: 'keypairs' },
            NOVA_HEADERS
          );
          return pairs.map((entry) => {
            const raw = (entry.keypair ?? entry) as Record<string, unknown>;
            return { ...listed(raw, { id: 'name', created: ['created_at'] }), userId };
          });
        })
      );
      return lists.flat();
    },
    remove: (ctx, item) =>
      deleteUrl(
        ctx,
        `${ctx.base}/os-keypairs/${id(item.id)}${item.userId ? `?user_id=${id(item.userId)}` : ''}`,
        NOVA_HEADERS
      ),
  },
  {
    service: 'nova',
    type: 'flavor',
    stage: 1,
    async list(ctx) {
      const flavors = await listAll(
        ctx.session,
        `${ctx.base}/flavors/detail?is_public=None`,
        { style: 'links', key: 'flavors' },
        NOVA_HEADERS
      );
      return flavors.map((raw) => listed(raw, {}));
    },
    remove: (ctx, item) => deleteUrl(ctx, `${ctx.base}/flavors/${id(item.id)}`, NOVA_HEADERS),
  },
  {
    service: 'nova',
    type: 'server_group',
    stage: 1,
    async list(ctx) {
      const groups = await listAll(
        ctx.session,
        `${ctx.base}/os-server-groups?all_projects=True`,
        { style: 'links', key: 'server_groups' },
        NOVA_HEADERS
      );
      return groups.map((raw) => listed(raw, { project: ['project_id'] }));
    },
    remove: (ctx, item) => deleteUrl(ctx, `${ctx.base}/os-server-groups/${id(item.id)}`, NOVA_HEADERS),
  },
];
