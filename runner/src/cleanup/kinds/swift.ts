// Swift containers of the monitor's own account (its endpoint is per project). A container must be empty before
// it can go, and whatever a Rally container holds is Rally's too.
import { listAll, mapLimited, OpenStackError } from '../../openstack/session.js';
import { DEFAULT_REMOVE_MS, deleteUrl, isoTime, type ResourceKind } from '../kind.js';

/**
 * The URL of one object (or, without `object`, of the container) that cannot resolve to anything outside the
 * container. Object names are free text: `../other-container/db.dump`, `./x` and `a/../b` are valid names. URL
 * parsers (the WHATWG URL standard that fetch follows) resolve `.` and `..` path segments, percent-encoded ones
 * (`%2e%2e`) included, so the name is sent as a single segment with its slashes encoded as %2F. Swift's proxy sees
 * the same name: eventlet's WSGI server percent-decodes the raw path into PATH_INFO without resolving dot segments,
 * and get_controller splits it with split_path(path, 1, 4, rest_with_last=True), which keeps everything after the
 * container, slashes included, as the object name (openstack/swift swift/proxy/server.py get_controller,
 * swift/common/utils.py split_path). A name that is exactly `.` or `..` stays a dot segment however it is encoded,
 * so it is refused; the URL is checked after parsing, so no name can ever address another container or the account.
 */
export function swiftUrl(base: string, container: string, object?: string): string {
  const tail = `/${encodeURIComponent(container)}${object === undefined ? '' : `/${encodeURIComponent(object)}`}`;
  const url = `${base}${tail}`;
  // What the request will really address: the parsed path must be the base's path plus exactly these segments.
  let stays = false;
  try {
    stays = new URL(url).pathname === `${new URL(base).pathname.replace(/\/+$/, '')}${tail}`;
  } catch {
    // Refused below.
  }
  if (!stays || container === '' || object === '') {
    const what =
      object === undefined
        ? `container ${JSON.stringify(container)}`
        : `object ${JSON.stringify(object)} of container ${JSON.stringify(container)}`;
    throw new OpenStackError(
      `${what} cannot be addressed by a URL that stays inside it (a "." or ".." segment); delete it with a client that sends the path as is`,
      null,
      base
    );
  }
  return url;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    async remove(ctx, item, options = {}) {
      const deadline = options.deadline ?? Date.now() + DEFAULT_REMOVE_MS;
      const container = swiftUrl(ctx.base, item.id);
      // Listings can lag behind deletions (container updates are asynchronous in Swift), so an object may be
      // listed again after its DELETE succeeded: re-list with a growing pause, until the deadline.
      let wait = 200;
      const refused: string[] = [];
      for (;;) {
        const objects = await listAll(ctx.session, container, { style: 'swift' }).catch((error: unknown) => {
          if (error instanceof OpenStackError && error.status === 404) return null; // already gone
          throw error;
        });
        if (objects === null) return;
        const names = objects.map((object) => String(object.name)).filter((name) => !refused.includes(name));
        if (names.length === 0 && refused.length > 0) {
          throw new OpenStackError(
            `could not empty the container: ${refused.length} object(s) cannot be addressed safely: ${refused
              .slice(0, 3)
              .map((n) => JSON.stringify(n))
              .join(', ')}`,
            null,
            container
          );
        }
        if (names.length === 0) break;
        if (Date.now() > deadline) {
          throw new OpenStackError(
            `the container still lists ${names.length} object(s) at the purge's deadline: ${names
              .slice(0, 3)
              .map((n) => JSON.stringify(n))
              .join(', ')}`,
            null,
            container
          );
        }
        await mapLimited(names, 4, async (name) => {
          let url;
          try {
            url = swiftUrl(ctx.base, item.id, name);
          } catch {
            refused.push(name);
            return;
          }
          await deleteUrl(ctx, url);
        });
        await pause(Math.min(wait, Math.max(0, deadline - Date.now())));
        wait = Math.min(wait * 2, 2000);
      }
      await deleteUrl(ctx, container);
    },
  },
];
