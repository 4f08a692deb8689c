import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_ARTIFACTS, type Cycle, type ServiceResult } from '../../src/model.js';
import { summaryTable } from '../../src/summary.js';

function service(name: ServiceResult['service'], extra: Partial<ServiceResult> = {}): ServiceResult {
  return {
    service: name, state: 'pass', taskUuid: null, taskStatus: 'finished', rallyExitCode: 0, startedAt: null, finishedAt: null,
    durationSeconds: 12.34, artifacts: { ...NO_ARTIFACTS }, workloads: [], ...extra,
  };
}

describe('run-once summary', () => {
  const cycle: Cycle = {
    id: '20261122T010000Z-abcdef', cloud: 'c', region: 'r', trigger: 'cli', status: 'pass',
    startedAt: '2026-11-22T01:00:00.000Z', finishedAt: '2026-11-22T01:01:00.000Z', durationSeconds: 60,
    services: [
      service('keystone'),
      service('nova', { skipped: [{ scenario: 'NovaServers.boot_server_associate_and_dissociate_floating_ip', reason: 'no external network for floating IPs: RALLY_EXTERNAL_NETWORK is not set' }] }),
      service('swift', { state: 'absent', reason: 'not in the catalog', durationSeconds: null }),
    ],
  };

  it('lists every service, then each skipped workload with its reason', () => {
    const lines = summaryTable(cycle).split('\n');
    assert.match(lines[1]!, /^keystone\s+PASS\s+12\.3 s/);
    assert.match(lines[3]!, /^swift\s+ABSENT\s+-\s+-\s+not in the catalog$/);
    assert.equal(lines[5], 'skipped: nova NovaServers.boot_server_associate_and_dissociate_floating_ip: no external network for floating IPs: RALLY_EXTERNAL_NETWORK is not set');
    assert.equal(lines.at(-1), 'cycle 20261122T010000Z-abcdef: PASS in 60.0 s');
  });

  it('adds no skipped section when nothing was left out', () => {
    assert.ok(!summaryTable({ ...cycle, services: [service('keystone')] }).includes('skipped'));
  });
});
