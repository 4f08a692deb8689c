// The scenario files' structure, without Rally: Jinja cannot be rendered in Node, so control lines are dropped (every
// optional workload is kept) and expressions become a placeholder. Rally's own validation of every file against
// the local cloud is in test/integration/services-validate.test.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { DEFAULT_SCENARIOS_DIR } from '../../src/cycle.js';
import { GLANCE_IMAGE_FILE, OPTIONAL_WORKLOADS } from '../../src/rally/task-args.js';
import { SERVICE_NAMES } from '../../src/services.js';

interface WorkloadShape {
  scenario: Record<string, unknown>;
  runner: { constant: { times: unknown; concurrency: unknown } };
  contexts?: Record<string, unknown>;
  sla: Record<string, unknown>;
}

function skeleton(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*\{%.*%\}\s*$/.test(line))
    .join('\n')
    .replace(/\{\{[^}]*\}\}/g, '1');
}

describe('scenario files', () => {
  for (const service of SERVICE_NAMES) {
    const file = join(DEFAULT_SCENARIOS_DIR, `${service}.yaml`);
    it(`${service}.yaml is task format v2 with a runner and a failure-rate SLA on every workload`, () => {
      const text = readFileSync(file, 'utf8');
      const task = parse(skeleton(text)) as {
        version: number;
        title: string;
        subtasks: Array<{ title: string; workloads: WorkloadShape[] }>;
      };
      assert.equal(task.version, 2);
      assert.equal(task.title, service);
      const workloads = task.subtasks.flatMap((s) => s.workloads);
      assert.ok(workloads.length >= 2, `${service}: ${workloads.length} workloads`);
      for (const workload of workloads) {
        const [name, ...more] = Object.keys(workload.scenario);
        assert.equal(more.length, 0);
        assert.match(name!, /^[A-Za-z]+\.[a-z_]+$|^1$/, `${service}: scenario ${name}`);
        assert.ok(
          workload.runner.constant.times !== undefined && workload.runner.constant.concurrency !== undefined,
          `${service} ${name}: runner`
        );
        assert.deepEqual(workload.sla.failure_rate, { max: 0 }, `${service} ${name}: failure_rate`);
      }
      // Light by default: times and concurrency come from the task args, never fixed in the file.
      assert.equal(
        (text.match(/times: \{\{ iterations \}\}, concurrency: \{\{ concurrency \}\}/g) ?? []).length,
        workloads.length
      );
    });
  }

  it('wraps each optional workload in the skip test, and the runner knows every workload a file can leave out', () => {
    const guarded = new Set<string>();
    for (const service of SERVICE_NAMES) {
      const text = readFileSync(join(DEFAULT_SCENARIOS_DIR, `${service}.yaml`), 'utf8');
      for (const match of text.matchAll(/"([A-Za-z]+\.[a-z_]+)" not in skip/g)) guarded.add(`${service} ${match[1]}`);
      for (const match of text.matchAll(/for scenario in \[([^\]]+)\][^\n]*\n\{% if scenario not in skip %\}/g)) {
        for (const name of match[1]!.matchAll(/"([^"]+)"/g)) guarded.add(`${service} ${name[1]}`);
      }
    }
    assert.deepEqual([...guarded].sort(), OPTIONAL_WORKLOADS.map((w) => `${w.service} ${w.scenario}`).sort());
  });

  it('ships a small raw image for Glance', () => {
    const size = statSync(join(DEFAULT_SCENARIOS_DIR, GLANCE_IMAGE_FILE)).size;
    assert.ok(size > 0 && size <= 64 * 1024, `${size} bytes`);
  });

  it('ships the Placement plugin as valid Python', () => {
    const plugin = join(DEFAULT_SCENARIOS_DIR, 'plugins', 'placement.py');
    assert.ok(existsSync(plugin));
    execFileSync('/usr/bin/python3', [
      '-c',
      'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])',
      plugin,
    ]);
    const text = readFileSync(plugin, 'utf8');
    for (const name of ['PlacementMonitor.list_resource_providers', 'PlacementMonitor.list_resource_classes']) {
      assert.ok(text.includes(`name="${name}"`), name);
      assert.ok(
        readFileSync(join(DEFAULT_SCENARIOS_DIR, 'placement.yaml'), 'utf8').includes(name),
        `placement.yaml uses ${name}`
      );
    }
  });
});
