// A second region of the shared local cloud's Keystone whose Glance endpoint is a relay the test controls, so a
// runner told OS_REGION_NAME=SlowRegion tests the real Glance through it, while RegionOne, which every other test
// uses, stays as it is. Created idempotently (a region or endpoints left by a killed run are taken over) and
// removed by remove().
import type { TestCloud } from './runner-process.js';

export const SLOW_REGION = 'SlowRegion';

interface Service {
  id: string;
  type: string;
}

interface Endpoint {
  id: string;
  region_id: string;
  service_id: string;
  interface: string;
  url: string;
}

async function adminSession(cloud: TestCloud) {
  const base = cloud.authUrl.replace(/\/$/, '');
  const response = await fetch(`${base}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: cloud.username, domain: { name: 'Default' }, password: cloud.password } },
        },
        scope: { project: { name: cloud.projectName, domain: { name: 'Default' } } },
      },
    }),
    signal: AbortSignal.timeout(30_000),
  });
  const token = response.headers.get('x-subject-token');
  await response.arrayBuffer();
  if (response.status !== 201 || !token) throw new Error(`Keystone refused the admin token: HTTP ${response.status}`);
  const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> => {
    const answer = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-auth-token': token, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await answer.text();
    return { status: answer.status, json: (text ? JSON.parse(text) : {}) as T };
  };
  const serviceOf = async (type: string): Promise<string> => {
    const { json } = await call<{ services: Service[] }>('GET', `/services?type=${type}`);
    const service = json.services[0];
    if (!service) throw new Error(`the local cloud has no ${type} service`);
    return service.id;
  };
  return { call, serviceOf };
}

/** The public Glance endpoint of the cloud's own region: where a relay must send what it gets. */
export async function publicGlanceUrl(cloud: TestCloud): Promise<URL> {
  const { call, serviceOf } = await adminSession(cloud);
  const image = await serviceOf('image');
  const { json } = await call<{ endpoints: Endpoint[] }>(
    'GET',
    `/endpoints?service_id=${image}&interface=public&region_id=${encodeURIComponent(cloud.region)}`
  );
  const glance = json.endpoints[0];
  if (!glance) throw new Error(`no public image endpoint in ${cloud.region}`);
  return new URL(glance.url);
}

export interface SlowRegion {
  remove(): Promise<void>;
}

/** Creates SlowRegion with public identity (the real Keystone) and image (`imageUrl`) endpoints. */
export async function createSlowRegion(cloud: TestCloud, imageUrl: string): Promise<SlowRegion> {
  const { call, serviceOf } = await adminSession(cloud);
  const removeEndpoints = async () => {
    const { json } = await call<{ endpoints: Endpoint[] }>('GET', `/endpoints?region_id=${SLOW_REGION}`);
    for (const endpoint of json.endpoints) await call('DELETE', `/endpoints/${endpoint.id}`);
  };
  const region = await call('POST', '/regions', { region: { id: SLOW_REGION, description: 'rally-monitor tests' } });
  if (region.status !== 201 && region.status !== 409) throw new Error(`creating ${SLOW_REGION}: HTTP ${region.status}`);
  await removeEndpoints();
  for (const [type, url] of [
    ['identity', cloud.authUrl],
    ['image', imageUrl],
  ] as const) {
    const created = await call('POST', '/endpoints', {
      endpoint: { service_id: await serviceOf(type), interface: 'public', region_id: SLOW_REGION, url },
    });
    if (created.status !== 201) throw new Error(`creating the ${SLOW_REGION} ${type} endpoint: HTTP ${created.status}`);
  }
  return {
    async remove() {
      await removeEndpoints();
      await call('DELETE', `/regions/${SLOW_REGION}`);
    },
  };
}
