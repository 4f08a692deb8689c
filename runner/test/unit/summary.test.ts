import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_ARTIFACTS, type Cycle, type ServiceResult } from '../../src/model.js';
import type { CleanupReport } from '../../src/cleanup/report.js';
import type { Leak } from '../../src/cleanup/leak.js';
import { leakSummary, summaryTable } from '../../src/summary.js';

function service(name: ServiceResult['service'], extra: Partial<ServiceResult> = {}): ServiceResult {
  return {
    service: name,
    state: 'pass',
    taskUuid: null,
    taskStatus: 'finished',
    rallyExitCode: 0,
    startedAt: null,
    finishedAt: null,
    durationSeconds: 12.34,
    artifacts: { ...NO_ARTIFACTS },
    workloads: [],
    ...extra,
  };
}

describe('run-once summary', () => {
  const cycle: Cycle = {
    id: '20261122T010000Z-abcdef',
    cloud: 'c',
    region: 'r',
    trigger: 'cli',
    status: 'pass',
    startedAt: '2026-11-22T01:00:00.000Z',
    finishedAt: '2026-11-22T01:01:00.000Z',
    durationSeconds: 60,
    services: [
      service('keystone'),
      service('nova', {
        skipped: [
          {
            scenario: 'NovaServers.boot_server_associate_and_dissociate_floating_ip',
            reason: 'no external network for floating IPs: RALLY_EXTERNAL_NETWORK is not set',
          },
        ],
      }),
      service('swift', { state: 'absent', reason: 'not in the catalog', durationSeconds: null }),
    ],
  };

  it('lists every service, then each skipped workload with its reason', () => {
    const lines = summaryTable(cycle).split('\n');
    assert.match(lines[1]!, /^keystone\s+PASS\s+12\.3 s/);
    assert.match(lines[3]!, /^swift\s+ABSENT\s+-\s+-\s+not in the catalog$/);
    assert.equal(
      lines[5],
      'skipped: nova NovaServers.boot_server_associate_and_dissociate_floating_ip: no external network for floating IPs: RALLY_EXTERNAL_NETWORK is not set'
    );
    assert.equal(lines.at(-1), 'cycle 20261122T010000Z-abcdef: PASS in 60.0 s');
  });

  it("says which service's Rally log was cut off", () => {
    const lines = summaryTable({
      ...cycle,
      services: [
        service('keystone', {
          logProblem: "Rally's log could not be written completely: ENOSPC: no space left on device, write",
        }),
      ],
    }).split('\n');
    assert.match(lines[1]!, /^keystone\s+PASS\s+12\.3 s\s+-$/);
    assert.equal(
      lines[3],
      "log: keystone: Rally's log could not be written completely: ENOSPC: no space left on device, write"
    );
  });

  it('adds no skipped section when nothing was left out', () => {
    assert.ok(!summaryTable({ ...cycle, services: [service('keystone')] }).includes('skipped'));
  });
});

describe('run-once leak summary', () => {
  const runId = '20261122T010000Z-abcdef';
  const leak = (name: string, leakRunId: string | null, attribution: Leak['attribution'] = 'run'): Leak => ({
    service: 'keystone',
    type: 'project',
    id: `id-${name}`,
    name,
    project: null,
    userId: null,
    createdAt: null,
    firstSeenAt: '2026-11-22T01:00:30.000Z',
    ageSeconds: 30,
    taskPrefix: name.slice(8, 16),
    taskUuid: null,
    runId: leakRunId,
    attribution,
  });
  const report = (leaks: Leak[], failed = false): CleanupReport => ({
    scannedAt: '2026-11-22T01:01:01.000Z',
    durationSeconds: 0.5,
    minAgeSeconds: 3600,
    leaks,
    services: [
      { service: 'keystone', state: 'ok', types: [{ type: 'project', state: 'ok', count: leaks.length }] },
      { service: 'swift', state: failed ? 'failed' : 'ok', types: [], ...(failed ? { error: 'HTTP 503' } : {}) },
    ],
  });

  it('names each resource the cycle left behind, and counts the older ones apart', () => {
    const lines = leakSummary(
      runId,
      report([
        leak('c_rally_1a2b3c4d_x1', runId),
        leak('c_rally_99999999_y2', null),
        leak('c_rally_88888888_z3', 'earlier'),
      ])
    );
    assert.deepEqual(lines, [
      'leaks: 1 Rally-named resource left by this cycle:',
      '  keystone project c_rally_1a2b3c4d_x1 (id-c_rally_1a2b3c4d_x1)',
      'leaks: 2 older Rally-named resources in the cloud; `rally-monitor cleanup` lists them',
    ]);
  });

  it("counts the names that only look like Rally's apart from the older Rally leaks", () => {
    const lines = leakSummary(
      runId,
      report([
        leak('c_rally_88888888_z3', 'earlier'),
        leak('c_rally_77777777_w4', null, 'rally-task'),
        leak('c_rally_66666666_v5', null, 'unattributed'),
        leak('c_rally_55555555_u6', null, 'unattributed'),
      ])
    );
    assert.deepEqual(lines, [
      'leaks: none left by this cycle',
      'leaks: 2 older Rally-named resources in the cloud; `rally-monitor cleanup` lists them',
      "leaks: 2 more look like Rally's but are not attributed to any Rally task: left alone unless a purge includes them",
    ]);
  });

  it('does not call a lone unattributed name an older Rally leak', () => {
    assert.deepEqual(leakSummary(runId, report([leak('c_rally_66666666_v5', null, 'unattributed')])), [
      'leaks: none left by this cycle',
      "leaks: 1 more looks like Rally's but is not attributed to any Rally task: left alone unless a purge includes it",
    ]);
  });

  it('says none when the cycle left nothing, and which services could not be listed', () => {
    assert.deepEqual(leakSummary(runId, report([], true)), [
      'leaks: none left by this cycle',
      'leaks: could not list swift; their leaks are unknown',
    ]);
  });

  it('never says none without a scan after the cycle', () => {
    assert.deepEqual(leakSummary(runId, null), ['leaks: not scanned (the leak scan failed; see the log above)']);
  });
});
