// Neutron: floating IPs and trunks first, routers (their interfaces and gateway detached), then ports, subnets,
// networks and security groups, which fail while anything still uses them.
import { listAll, type OpenStackSession } from '../../openstack/session.js';
import { deleteUrl, GONE_OR_OK, listed, type KindContext, type ResourceKind } from '../kind.js';

const id = encodeURIComponent;

function neutronKind(type: string, collection: string, stage: number, extra: Partial<ResourceKind> = {}): ResourceKind {
  return {
    service: 'neutron',
    type,
    stage,
    async list(ctx) {
      // Only the fields the scan uses: security groups would otherwise carry every rule, networks their subnets.
      const fields = ['id', 'name', 'description', 'project_id', 'tenant_id', 'created_at']
        .map((f) => `fields=${f}`)
        .join('&');
      const items = await listAll(ctx.session, `${ctx.base}/${collection}?${fields}`, {
        style: 'links',
        key: collection.replace(/-/g, '_'),
      });
      return items.map((raw) =>
        listed(raw, {
          project: ['project_id', 'tenant_id'],
          created: ['created_at'],
          name: type === 'floating_ip' ? 'description' : 'name',
        })
      );
    },
    remove: (ctx, item) => deleteUrl(ctx, `${ctx.base}/${collection}/${id(item.id)}`),
    ...extra,
  };
}

async function detachRouter(session: OpenStackSession, ctx: KindContext, routerId: string): Promise<void> {
  const ports = await listAll(session, `${ctx.base}/ports?device_id=${id(routerId)}`, { style: 'links', key: 'ports' });
  for (const port of ports) {
    if (!String(port.device_owner ?? '').startsWith('network:router_interface')) continue;
    await session.request(`${ctx.base}/routers/${id(routerId)}/remove_router_interface`, {
      method: 'PUT',
      body: { port_id: port.id },
      accept: GONE_OR_OK,
    });
  }
  await session.request(`${ctx.base}/routers/${id(routerId)}`, {
    method: 'PUT',
    body: { router: { external_gateway_info: {} } },
    accept: GONE_OR_OK,
  });
}

export const neutronKinds: ResourceKind[] = [
  // Floating IPs have no name; Rally names them through the description.
  neutronKind('floating_ip', 'floatingips', 0),
  neutronKind('trunk', 'trunks', 0, { optional: true }),
  neutronKind('router', 'routers', 1, {
    async remove(ctx, item) {
      await detachRouter(ctx.session, ctx, item.id);
      await deleteUrl(ctx, `${ctx.base}/routers/${id(item.id)}`);
    },
  }),
  neutronKind('port', 'ports', 2),
  neutronKind('subnet', 'subnets', 3),
  neutronKind('network', 'networks', 4),
  neutronKind('security_group', 'security-groups', 4),
];
