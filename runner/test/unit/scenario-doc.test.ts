// docs/scenarios.md is made from the scenario files (one source): every workload says what it proves, and the
// document says what the files do.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_SCENARIOS_DIR } from '../../src/cycle.js';
import { renderScenarioDoc, scenarioCatalog, workloadsOfFile } from '../../src/rally/scenario-doc.js';
import { OPTIONAL_WORKLOADS } from '../../src/rally/task-args.js';
import { REPO_ROOT } from '../support/runner-process.js';

describe('the scenario catalog document', () => {
  it('lists every workload of every file, with what it proves', () => {
    const rows = scenarioCatalog(DEFAULT_SCENARIOS_DIR);
    const names = rows.map((r) => `${r.service} ${r.scenario}`);
    for (const w of OPTIONAL_WORKLOADS) assert.ok(names.includes(`${w.service} ${w.scenario}`), w.scenario);
    for (const name of [
      'nova NovaServers.snapshot_server',
      'nova NovaServers.resize_server',
      'cinder CinderVolumes.create_and_attach_volume',
      'cinder CinderVolumeTypes.create_and_delete_volume_type',
    ]) {
      assert.ok(names.includes(name), name);
    }
    assert.ok(rows.every((r) => /^[A-Za-z]+\.[a-z_]+$/.test(r.scenario) && r.proves.length > 10));
    assert.equal(rows.find((r) => r.scenario === 'NovaServers.boot_and_rebuild_server')?.heavyOnly, true);
    assert.equal(rows.find((r) => r.scenario === 'NovaServers.snapshot_server')?.heavyOnly, false);
  });

  it('refuses a workload that does not say what it proves', () => {
    assert.throws(
      () => workloadsOfFile('nova', 'subtasks:\n  - workloads:\n      - scenario: {NovaFlavors.list_flavors: {}}\n'),
      /NovaFlavors.list_flavors\) has no "# proves:" line/
    );
  });

  it('is docs/scenarios.md as the files make it (node runner/dist/src/rally/scenario-doc.js > docs/scenarios.md)', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'scenarios.md'), 'utf8');
    assert.equal(doc, renderScenarioDoc(scenarioCatalog(DEFAULT_SCENARIOS_DIR)));
  });
});
