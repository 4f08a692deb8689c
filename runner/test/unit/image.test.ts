import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpenStackError } from '../../src/openstack/session.js';
import { chooseImage, parseImageSetting, resolveImage } from '../../src/rally/image.js';

const DEFAULT = parseImageSetting(undefined);
const HOW = 'set RALLY_NOVA_IMAGE to an image name or a /regular expression/';

/** A Glance that answers the image listing in pages of two, as Glance's `next` links do. */
function fakeGlance(names: string[] | Error) {
  const requests: string[] = [];
  return {
    requests,
    session: {
      async endpoint(service: string) {
        return service === 'glance' ? 'http://127.0.0.1:9292' : null;
      },
      async request(url: string) {
        requests.push(url);
        if (names instanceof Error) throw names;
        const marker = new URL(url).searchParams.get('marker');
        const start = marker ? Number(marker) : 0;
        const page = names.slice(start, start + 2).map((name, i) => ({ id: String(start + i), name }));
        const next = start + 2 < names.length ? `/v2/images?status=active&marker=${start + 2}` : undefined;
        return { status: 200, headers: new Headers(), body: { images: page, ...(next ? { next } : {}) } };
      },
    },
  };
}

describe('RALLY_NOVA_IMAGE', () => {
  it('is the rally-jobs pattern when unset, and a name or a /pattern/ when set', () => {
    assert.equal(DEFAULT.text, '/^(cirros.*-disk|TestVM)$/');
    assert.ok(DEFAULT.isDefault);
    assert.equal(parseImageSetting('  ').isDefault, true);
    assert.deepEqual(parseImageSetting('my image'), { text: 'my image', pattern: null, isDefault: false });
    assert.equal(parseImageSetting('/x/').pattern?.source, 'x');
    // One slash is a name (an image may be called that), not a pattern.
    assert.equal(parseImageSetting('/').pattern, null);
    assert.throws(() => parseImageSetting('/(/'), /not a valid regular expression/);
  });

  it('picks the one image that matches, by pattern or by exact name', () => {
    const names = ['cirros-0.6.2-x86_64-disk', 'cirros-0.6.2-x86_64-disk.img', 'ubuntu-22.04', 'TestVM-old'];
    assert.deepEqual(chooseImage(DEFAULT, names), { name: 'cirros-0.6.2-x86_64-disk' });
    assert.deepEqual(chooseImage(parseImageSetting('ubuntu-22.04'), names), { name: 'ubuntu-22.04' });
    // A name is matched exactly, never as a pattern (`.` is no wildcard, a prefix is not the name).
    assert.ok('error' in chooseImage(parseImageSetting('ubuntu-22X04'), names));
    assert.ok('error' in chooseImage(parseImageSetting('ubuntu'), names));
  });

  it('skips the boots when the default matches nothing, saying how to set it; a set value matching nothing is an error', () => {
    assert.deepEqual(chooseImage(DEFAULT, ['ubuntu', 'rally_frontend_image']), {
      skip: `no image to boot: no active image in Glance matches the default /^(cirros.*-disk|TestVM)$/; ${HOW}`,
    });
    assert.deepEqual(chooseImage(parseImageSetting('cirros'), ['ubuntu']), {
      error: "image 'cirros' not found in Glance (RALLY_NOVA_IMAGE names no active image)",
    });
    assert.deepEqual(chooseImage(parseImageSetting('/^cirros/'), []), {
      error: 'RALLY_NOVA_IMAGE /^cirros/ matches no active image in Glance',
    });
  });

  it('refuses several matches, naming them (a few), and two images of the same name', () => {
    assert.deepEqual(chooseImage(DEFAULT, ['TestVM', 'cirros-0.5.2-x86_64-disk', 'ubuntu']), {
      error:
        "the default RALLY_NOVA_IMAGE /^(cirros.*-disk|TestVM)$/ matches several active images in Glance: 'TestVM', 'cirros-0.5.2-x86_64-disk'; set RALLY_NOVA_IMAGE to one of them",
    });
    const many = Array.from({ length: 8 }, (_, i) => `cirros-${i}-disk`);
    assert.match(
      (chooseImage(parseImageSetting('/cirros/'), many) as { error: string }).error,
      /^RALLY_NOVA_IMAGE \/cirros\/ matches several active images in Glance: 'cirros-0-disk', .*'cirros-4-disk' and 3 more; /
    );
    assert.deepEqual(chooseImage(parseImageSetting('cirros'), ['cirros', 'cirros']), {
      error: "'cirros' names several active images in Glance: 2 images ('cirros'); set RALLY_NOVA_IMAGE to one of them",
    });
  });

  it('never hands Rally a name that would break the task file, and takes odd names that do not', () => {
    const quoted = chooseImage(parseImageSetting('/^evil/'), ['evil" }} {% raw %}']);
    assert.match((quoted as { error: string }).error, /cannot go into a task file/);
    assert.ok('error' in chooseImage(parseImageSetting('/^back/'), ['back\\slash']));
    assert.deepEqual(chooseImage(parseImageSetting('/^\\.\\.$/'), ['..', '...']), { name: '..' });
    assert.deepEqual(chooseImage(parseImageSetting('/^cirrös/'), ['cirrös-ü-disk']), { name: 'cirrös-ü-disk' });
    // Images without a name (Glance allows it) never match, and never crash the choice.
    assert.deepEqual(chooseImage(parseImageSetting('/^x?$/'), ['', 'x']), { name: 'x' });
  });

  it("lists Glance's active images across pages", async () => {
    const glance = fakeGlance(['a', 'b', 'c', 'cirros-0.6.2-x86_64-disk', 'e']);
    assert.deepEqual(await resolveImage(DEFAULT, glance.session), { name: 'cirros-0.6.2-x86_64-disk' });
    assert.equal(glance.requests.length, 3);
    assert.ok(glance.requests.every((url) => url.startsWith('http://127.0.0.1:9292/v2/images?')));
    assert.ok(glance.requests.every((url) => new URL(url).searchParams.get('status') === 'active'));
  });

  it('leaves a name to Rally when Glance does not answer, but cannot resolve a pattern then', async () => {
    const down = new OpenStackError('GET http://127.0.0.1:9292/v2/images failed: ECONNREFUSED', null, 'x');
    assert.deepEqual(await resolveImage(parseImageSetting('cirros'), fakeGlance(down).session), { name: 'cirros' });
    assert.deepEqual(await resolveImage(DEFAULT, fakeGlance(down).session), {
      error:
        'RALLY_NOVA_IMAGE /^(cirros.*-disk|TestVM)$/ could not be resolved: GET http://127.0.0.1:9292/v2/images failed: ECONNREFUSED',
    });
    const noGlance = { ...fakeGlance([]).session, endpoint: async () => null };
    assert.deepEqual(await resolveImage(DEFAULT, noGlance), { skip: 'no image to boot: glance is not in the catalog' });
  });
});
