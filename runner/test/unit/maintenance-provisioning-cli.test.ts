// Windows declared ahead of time in a provisioning file, and the `rally-monitor maintenance` CLI against a runner.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { maintenanceCommand } from '../../src/maintenance/command.js';
import { applyProvisionedWindows } from '../../src/maintenance/provisioning.js';
import { MaintenanceStore } from '../../src/maintenance/store.js';
import { REPO_DIR, tempDir } from '../helpers.js';
import { API_TOKEN, monitorFixture } from '../support/monitor-fixture.js';

const inHours = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();

describe('maintenance windows from a provisioning file', () => {
  it('declares them at start, once across restarts, leaving past ones out', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'maintenance'));
    await writeFile(
      join(dir, 'maintenance', 'upgrades.yaml'),
      [
        'windows:',
        '  - name: nova-upgrade',
        '    services: [nova, placement]',
        `    start: ${inHours(2)}`,
        `    end: ${inHours(4)}`,
        '    reason: Nova upgrade to 2025.2',
        '  - name: last-week',
        '    services: [glance]',
        `    start: "${inHours(-170)}"`,
        `    end: "${inHours(-168)}"`,
        '    reason: over already',
        '',
      ].join('\n')
    );
    await writeFile(join(dir, 'maintenance', 'notes.txt'), 'not yaml: ignored');
    const env = { RALLY_MONITOR_MAINTENANCE_PROVISIONING: join(dir, 'maintenance') };
    const first = await monitorFixture(env);
    const windows = first.maintenance.views();
    assert.deepEqual(
      windows.map((w) => [w.id, w.state, w.source, w.services.join(',')]),
      [['mw-nova-upgrade', 'upcoming', 'provisioning', 'nova,placement']]
    );
    // Cancelled through the API, it stays cancelled when the runner starts again with the same file.
    await first.app.inject({
      method: 'DELETE',
      url: '/api/maintenance/mw-nova-upgrade',
      headers: { authorization: `Bearer ${API_TOKEN}` },
    });
    const again = await monitorFixture(env, undefined, first.dataDir);
    assert.deepEqual(
      again.maintenance.views().map((w) => [w.id, w.state]),
      [['mw-nova-upgrade', 'cancelled']]
    );
  });

  it('the shipped example (provisioning/maintenance/) declares its window', async () => {
    const store = new MaintenanceStore(join(await tempDir(), 'maintenance.json'), 86400);
    const example = join(REPO_DIR, 'provisioning', 'maintenance', 'windows.example.yaml');
    const outcome = await applyProvisionedWindows(
      example,
      store,
      { id: null, state: 'disabled' },
      new Date('2026-11-30T00:00:00Z')
    );
    assert.deepEqual(outcome.declared, ['mw-nova-upgrade-2026-12']);
    const [window] = store.list();
    assert.deepEqual(
      [window!.services, window!.start, window!.end],
      [['nova', 'placement'], '2026-12-01T22:00:00.000Z', '2026-12-02T02:00:00.000Z']
    );
  });

  it('stops the start naming the file and the entry when an entry is wrong', async () => {
    const dir = await tempDir();
    const file = join(dir, 'bad.yaml');
    const cases: Array<[string, RegExp]> = [
      [
        `windows:\n  - name: a\n    services: [heat]\n    end: "${inHours(1)}"\n    reason: x\n`,
        /bad\.yaml: windows\[0\] \(a\): unknown service "heat"/,
      ],
      [
        `windows:\n  - name: b\n    services: [nova]\n    start: "${inHours(3)}"\n    end: "${inHours(2)}"\n    reason: x\n`,
        /windows\[0\] \(b\): end .* must be after start/,
      ],
      [
        `windows:\n  - name: c\n    services: [nova]\n    end: "${inHours(1)}"\n    reason: x\n  - name: d\n    services: [nova]\n    end: "${inHours(2)}"\n    reason: y\n`,
        /windows\[1\] \(d\): the window overlaps mw-c on nova/,
      ],
      [`windows:\n  - name: "../x"\n    services: [nova]\n    end: "${inHours(1)}"\n    reason: x\n`, /name must be/],
      ['windows: [unclosed\n', /bad\.yaml is not valid YAML/],
    ];
    for (const [text, message] of cases) {
      await writeFile(file, text);
      await assert.rejects(monitorFixture({ RALLY_MONITOR_MAINTENANCE_PROVISIONING: file }), message);
    }
  });
});

describe('rally-monitor maintenance (CLI)', () => {
  it('adds, lists and cancels windows through the runner, and prints the runner refusals', async () => {
    const { app } = await monitorFixture();
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const env = { RALLY_MONITOR_URL: address, RALLY_MONITOR_API_TOKEN: API_TOKEN };
      const run = async (...args: string[]) => {
        let out = '';
        let err = '';
        const code = await maintenanceCommand(
          args,
          env,
          (t) => (out += t),
          (t) => (err += t)
        );
        return { code, out, err };
      };
      const added = await run('add', '--services', 'neutron', '--duration', '90m', '--reason', 'OVN migration');
      assert.equal(added.code, 0, added.err);
      const id = /window (mw-[0-9a-f]{12}): active/.exec(added.out)?.[1];
      assert.ok(id, added.out);
      assert.match(added.out, /services: neutron/);
      assert.match(added.out, /silence: no Alertmanager configured/);
      const listed = await run('list');
      assert.match(listed.out, new RegExp(`^${id}\\s+active\\s+neutron\\s+.*OVN migration$`, 'm'));
      const overlap = await run('add', '--services=neutron', `--end=${inHours(1)}`, '--reason=again');
      assert.equal(overlap.code, 1);
      assert.match(overlap.err, /refused \(HTTP 400\): the window overlaps/);
      const usage = await run('add', '--services', 'neutron', '--reason', 'no end');
      assert.equal(usage.code, 1);
      assert.match(usage.err, /--end or --duration is required/);
      const cancelled = await run('cancel', id!);
      assert.equal(cancelled.code, 0, cancelled.err);
      assert.match(cancelled.out, /: cancelled/);
      const noToken = await maintenanceCommand(
        ['cancel', id!],
        { RALLY_MONITOR_URL: address },
        () => {},
        (t) => assert.match(t, /HTTP 401/)
      );
      assert.equal(noToken, 1);
    } finally {
      await app.close();
    }
  });
});
