import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { AuditLog, type AuditEntry } from '../../src/cleanup/audit.js';
import type { ResourceKind } from '../../src/cleanup/kind.js';
import { kindOf } from '../../src/cleanup/kinds/index.js';
import { Ledger } from '../../src/cleanup/ledger.js';
import { CleanupMetrics } from '../../src/cleanup/metrics.js';
import type { Attribution } from '../../src/cleanup/leak.js';
import type { CleanupReport } from '../../src/cleanup/report.js';
import type { RawScan } from '../../src/cleanup/scan.js';
import type { ServiceName } from '../../src/services.js';
import { tempDir, testLeak } from '../helpers.js';

function entry(id: string, outcome: AuditEntry['outcome'] = 'deleted'): AuditEntry {
  return {
    at: new Date().toISOString(),
    outcome,
    service: 'neutron',
    type: 'network',
    id,
    name: `s_rally_12345678_${id.padEnd(8, 'x')}`,
    project: null,
    runId: null,
    taskPrefix: '12345678',
    trigger: 'api',
  };
}

function scan(at: string, found: Array<{ type: string; id: string }>, failedTypes: string[] = []): RawScan {
  return {
    scannedAt: at,
    durationSeconds: 0.1,
    services: [
      {
        service: 'neutron',
        state: failedTypes.length ? 'failed' : 'ok',
        types: ['network', 'port'].map((type) => ({
          type,
          state: failedTypes.includes(type) ? 'failed' : 'ok',
          count: 0,
        })),
      },
    ],
    found: found.map(({ type, id }) => ({
      kind: kindOf(type) as ResourceKind,
      item: { id, name: 'x', project: null, userId: null, createdAt: null },
      taskPrefix: '12345678',
    })),
  };
}

describe('AuditLog', () => {
  it('appends one line per entry and reads them newest first, skipping a line torn by a crash', async () => {
    const log = new AuditLog(join(await tempDir(), 'audit.jsonl'));
    assert.deepEqual(await log.read(), []);
    await log.append(entry('a'));
    await log.append(entry('b', 'failed'));
    await appendFile(log.path, '{"at": "2026-11-22T00:0');
    // A new process (a restart after the crash) appends after the torn line, not onto it.
    const restarted = new AuditLog(log.path);
    await Promise.all([restarted.append(entry('c')), restarted.append(entry('d'))]);
    const text = await readFile(log.path, 'utf8');
    assert.equal(text.split('\n').filter(Boolean).length, 5);
    assert.deepEqual(
      (await restarted.read()).map((e) => e.id),
      ['d', 'c', 'b', 'a']
    );
    assert.deepEqual(
      (await restarted.read(2)).map((e) => e.id),
      ['d', 'c']
    );
    assert.equal((await restarted.read()).find((e) => e.id === 'b')?.outcome, 'failed');
  });
});

describe('Ledger', () => {
  it('keeps the first sighting, forgets what vanished from a listing that worked, and keeps entries of a failed listing', async () => {
    const dir = await tempDir();
    const ledger = new Ledger(join(dir, 'ledger.json'));
    await ledger.load();
    ledger.record(
      scan('2026-11-22T00:00:00.000Z', [
        { type: 'network', id: 'n1' },
        { type: 'port', id: 'p1' },
      ])
    );
    ledger.record(
      scan(
        '2026-11-22T01:00:00.000Z',
        [
          { type: 'network', id: 'n1' },
          { type: 'network', id: 'n2' },
        ],
        ['port']
      )
    );
    assert.equal(ledger.get('neutron/network//n1')?.firstSeenAt, '2026-11-22T00:00:00.000Z');
    assert.equal(ledger.get('neutron/network//n2')?.firstSeenAt, '2026-11-22T01:00:00.000Z');
    assert.ok(ledger.get('neutron/port//p1'), 'the port listing failed, so p1 is not known to be gone');
    ledger.attribute(['neutron/network//n2'], '20261122T010000Z-abcdef');
    ledger.record(scan('2026-11-22T02:00:00.000Z', [{ type: 'network', id: 'n2' }]));
    assert.equal(ledger.get('neutron/network//n1'), undefined);
    assert.equal(ledger.get('neutron/port//p1'), undefined);
    await ledger.save();
    const reloaded = new Ledger(ledger.path);
    await reloaded.load();
    assert.deepEqual(reloaded.get('neutron/network//n2'), {
      firstSeenAt: '2026-11-22T01:00:00.000Z',
      runId: '20261122T010000Z-abcdef',
    });
  });

  it('starts afresh from a corrupt file, with a warning', async () => {
    const path = join(await tempDir(), 'ledger.json');
    await writeFile(path, '{not json');
    const warnings: string[] = [];
    const ledger = new Ledger(path);
    await ledger.load((message) => warnings.push(message));
    assert.match(warnings[0] ?? '', /corrupt/);
    assert.equal(ledger.get('neutron/network//n1'), undefined);
  });
});

describe('CleanupMetrics', () => {
  it('counts leaks per listed type, and reports a service it could not list as failed, never as 0 leaks', async () => {
    const registry = new Registry();
    const metrics = new CleanupMetrics(registry);
    const leak = (service: ServiceName, type: string, ageSeconds: number, attribution: Attribution = 'run') =>
      testLeak(service, type, ageSeconds, null, attribution);
    const report: CleanupReport = {
      scannedAt: '2026-11-22T00:00:00.000Z',
      durationSeconds: 0.5,
      minAgeSeconds: 3600,
      services: [
        {
          service: 'keystone',
          state: 'ok',
          types: [
            { type: 'user', state: 'ok', count: 0 },
            { type: 'project', state: 'ok', count: 2 },
          ],
        },
        {
          service: 'glance',
          state: 'failed',
          error: 'image: ECONNREFUSED',
          types: [{ type: 'image', state: 'failed', count: 0 }],
        },
        { service: 'swift', state: 'absent', types: [] },
      ],
      // An unattributed one (a name that only looks like Rally's) is counted apart, and is not the oldest leak.
      leaks: [
        leak('keystone', 'project', 100),
        leak('keystone', 'project', 7200, 'rally-task'),
        leak('keystone', 'project', 99_999, 'unattributed'),
      ],
    };
    metrics.showScan(report);
    metrics.countDeletion('deleted');
    const text = await registry.metrics();
    const value = (series: string) =>
      text
        .split('\n')
        .find((line) => line.startsWith(`${series} `))
        ?.split(' ')[1];
    assert.equal(value('rally_orphaned_resources{service="keystone",resource_type="project"}'), '2');
    assert.equal(value('rally_orphaned_resources{service="keystone",resource_type="user"}'), '0');
    assert.equal(
      value('rally_orphaned_resource_oldest_age_seconds{service="keystone",resource_type="project"}'),
      '7200'
    );
    assert.equal(
      value('rally_orphaned_resource_oldest_age_seconds{service="keystone",resource_type="user"}'),
      undefined
    );
    assert.equal(value('rally_orphaned_unattributed_resources{service="keystone",resource_type="project"}'), '1');
    assert.equal(value('rally_orphaned_unattributed_resources{service="keystone",resource_type="user"}'), '0');
    assert.equal(value('rally_cleanup_scan_success{service="keystone"}'), '1');
    assert.equal(value('rally_cleanup_scan_success{service="glance"}'), '0');
    assert.ok(!text.includes('service="glance",resource_type'), 'no leak count for a service that could not be listed');
    assert.ok(!text.includes('service="swift"'), 'nothing for a service absent from the catalog');
    assert.equal(value('rally_cleanup_scan_duration_seconds'), '0.5');
    assert.equal(
      value('rally_cleanup_last_scan_timestamp_seconds'),
      String(Date.parse('2026-11-22T00:00:00.000Z') / 1000 + 0.5)
    );
    assert.equal(value('rally_cleanup_deletions_total{outcome="deleted"}'), '1');
    assert.equal(value('rally_cleanup_deletions_total{outcome="failed"}'), '0');

    // During a cycle, what appeared since its before-scan is not counted as leaked yet.
    metrics.showScan(report, (l) => l.ageSeconds > 1000);
    const during = await registry.metrics();
    assert.ok(during.includes('rally_orphaned_resources{service="keystone",resource_type="project"} 1'), during);
  });

  it('keeps when each service was last listed in full, across the scans that fail it', async () => {
    const registry = new Registry();
    const metrics = new CleanupMetrics(registry);
    const scan = (scannedAt: string, keystone: 'ok' | 'failed' | 'absent', glance: 'ok' | 'failed'): CleanupReport => ({
      scannedAt,
      durationSeconds: 2,
      minAgeSeconds: 3600,
      services: [
        {
          service: 'keystone',
          state: keystone,
          types: keystone === 'absent' ? [] : [{ type: 'project', state: keystone, count: 0 }],
        },
        { service: 'glance', state: glance, types: [{ type: 'image', state: glance, count: 0 }] },
      ],
      leaks: [],
    });
    const lastSuccess = async (service: string) =>
      (await registry.metrics())
        .split('\n')
        .find((line) => line.startsWith(`rally_cleanup_last_scan_success_timestamp_seconds{service="${service}"} `))
        ?.split(' ')[1];
    const finished = (iso: string) => String(Date.parse(iso) / 1000 + 2);

    metrics.showScan(scan('2026-11-22T00:00:00.000Z', 'ok', 'failed'));
    assert.equal(await lastSuccess('keystone'), finished('2026-11-22T00:00:00.000Z'));
    assert.equal(await lastSuccess('glance'), undefined, 'never listed in full: no time to show');

    metrics.showScan(scan('2026-11-22T01:00:00.000Z', 'failed', 'ok'));
    assert.equal(
      await lastSuccess('keystone'),
      finished('2026-11-22T00:00:00.000Z'),
      'a failed scan keeps the last success'
    );
    assert.equal(await lastSuccess('glance'), finished('2026-11-22T01:00:00.000Z'));

    metrics.showScan(scan('2026-11-22T02:00:00.000Z', 'absent', 'ok'));
    assert.equal(await lastSuccess('keystone'), undefined, 'a service gone from the catalog has no series');
    assert.equal(await lastSuccess('glance'), finished('2026-11-22T02:00:00.000Z'));
  });
});
