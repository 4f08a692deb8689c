// The scenario files' structure, rendered the way Rally renders them (rally.api._Task.render_template, Jinja2) for
// both profiles, without a cloud. Rally's own validation of every file against the local cloud is in
// test/integration/services-validate.test.ts, and a heavy cycle runs them all in services-cycle.test.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { DEFAULT_SCENARIOS_DIR } from '../../src/cycle.js';
import { GLANCE_IMAGE_FILE, LIGHT_ONCE, OPTIONAL_WORKLOADS, QUOTA_SERVICES } from '../../src/rally/task-args.js';
import { SERVICE_NAMES, type ServiceName } from '../../src/services.js';
import type { Profile } from '../../src/config.js';

interface WorkloadShape {
  scenario: Record<string, unknown>;
  runner: { constant: { times: unknown; concurrency: unknown } };
  contexts?: Record<string, unknown>;
  sla: Record<string, unknown>;
}

interface TaskShape {
  version: number;
  title: string;
  subtasks: Array<{ title: string; workloads: WorkloadShape[] }>;
}

const ITERATIONS = 7;
const CONCURRENCY = 3;

/** Every file in both profiles, nothing skipped, rendered by Rally's own template code in one Python process. */
function renderAll(): Map<string, TaskShape> {
  const jobs = SERVICE_NAMES.flatMap((service) =>
    (['light', 'heavy'] as const).map((profile) => ({
      key: `${service} ${profile}`,
      file: join(DEFAULT_SCENARIOS_DIR, `${service}.yaml`),
      args: {
        iterations: ITERATIONS,
        concurrency: CONCURRENCY,
        profile,
        services: [...SERVICE_NAMES],
        flavor: 'm1.tiny',
        resize_flavor: 'm1.small',
        image: 'cirros-0.6.2-x86_64-disk',
        image_file: '/opt/files/tiny.raw',
        external_network: 'public',
        skip: [],
      },
    }))
  );
  const script = [
    'import json, sys',
    'from rally import api',
    'task = api._Task(None)',
    'out = {}',
    'for job in json.load(sys.stdin):',
    '    out[job["key"]] = task.render_template(open(job["file"]).read(), **job["args"])',
    'print(json.dumps(out))',
  ].join('\n');
  const output = execFileSync('/usr/bin/python3', ['-c', script], {
    input: JSON.stringify(jobs),
    env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    maxBuffer: 16 * 1024 * 1024,
  });
  const rendered = JSON.parse(output.toString()) as Record<string, string>;
  return new Map(Object.entries(rendered).map(([key, text]) => [key, parse(text) as TaskShape]));
}

function workloadsOf(task: TaskShape): WorkloadShape[] {
  return task.subtasks.flatMap((s) => s.workloads);
}

function nameOf(workload: WorkloadShape): string {
  return Object.keys(workload.scenario)[0]!;
}

describe('scenario files', () => {
  let tasks: Map<string, TaskShape>;
  before(() => {
    tasks = renderAll();
  });

  for (const service of SERVICE_NAMES) {
    for (const profile of ['light', 'heavy'] as const) {
      it(`${service}.yaml (${profile}) is task format v2 with a runner and a failure-rate SLA on every workload`, () => {
        const task = tasks.get(`${service} ${profile}`)!;
        assert.equal(task.version, 2);
        assert.equal(task.title, service);
        const workloads = workloadsOf(task);
        assert.ok(workloads.length >= 2, `${service}: ${workloads.length} workloads`);
        for (const workload of workloads) {
          const [name, ...more] = Object.keys(workload.scenario);
          assert.equal(more.length, 0);
          assert.match(name!, /^[A-Za-z]+\.[a-z_]+$/, `${service}: scenario ${name}`);
          assert.ok(workload.sla.failure_rate, `${service} ${name}: failure_rate`);
          assert.deepEqual(workload.sla.failure_rate, { max: 0 }, `${service} ${name}: failure_rate`);
          assert.ok(Object.keys(workload.sla).length >= 2, `${service} ${name}: a time SLA besides the failure rate`);
          // Light by default: times and concurrency come from the task args, never fixed in the file, except the
          // workloads the light profile runs once (they boot servers beyond the basic boot checks).
          const once = profile === 'light' && LIGHT_ONCE.includes(name!);
          assert.deepEqual(
            workload.runner.constant,
            { times: once ? 1 : ITERATIONS, concurrency: CONCURRENCY },
            `${service} ${name}: runner`
          );
        }
      });
    }
  }

  it('gives every workload of the heavy profile with temporary projects unlimited quotas, and the light none', () => {
    // rally-openstack's quotas context (rally_openstack/task/contexts/quotas/quotas.py) takes these services, each
    // with its own schema (nova_quotas.py, cinder_quotas.py, neutron_quotas.py: integers, minimum -1).
    const schema: Record<string, string[]> = {
      nova: [
        'instances',
        'cores',
        'ram',
        'floating_ips',
        'fixed_ips',
        'metadata_items',
        'injected_files',
        'injected_file_content_bytes',
        'injected_file_path_bytes',
        'key_pairs',
        'security_groups',
        'security_group_rules',
        'server_groups',
        'server_group_members',
      ],
      cinder: ['gigabytes', 'snapshots', 'volumes', 'backups', 'backup_gigabytes'],
      neutron: [
        'network',
        'subnet',
        'port',
        'router',
        'floatingip',
        'security_group',
        'security_group_rule',
        'pool',
        'vip',
        'health_monitor',
        'trunk',
      ],
    };
    for (const service of SERVICE_NAMES) {
      for (const profile of ['light', 'heavy'] as Profile[]) {
        for (const workload of workloadsOf(tasks.get(`${service} ${profile}`)!)) {
          const label = `${service} ${profile} ${nameOf(workload)}`;
          const quotas = workload.contexts?.quotas as Record<string, Record<string, number>> | undefined;
          const wanted =
            profile === 'heavy' && workload.contexts?.users !== undefined ? QUOTA_SERVICES[service as ServiceName] : [];
          if (wanted.length === 0) {
            assert.equal(quotas, undefined, label);
            continue;
          }
          // The file's own service always; others (Nova's, for a Cinder workload that boots a server) where used.
          const keys = Object.keys(quotas ?? {});
          assert.ok(keys.includes(service), `${label}: ${keys.join(', ')}`);
          assert.ok(
            keys.every((k) => wanted.includes(k)),
            `${label}: ${keys.join(', ')}`
          );
          for (const [quotaService, limits] of Object.entries(quotas!)) {
            assert.ok(Object.keys(limits).length > 0, `${label} ${quotaService}`);
            for (const [key, value] of Object.entries(limits)) {
              assert.ok(schema[quotaService]!.includes(key), `${label}: ${quotaService}.${key} is in the schema`);
              assert.equal(value, -1, `${label}: ${quotaService}.${key}`);
            }
          }
        }
      }
    }
    const attach = workloadsOf(tasks.get('cinder heavy')!).find(
      (w) => nameOf(w) === 'CinderVolumes.create_and_attach_volume'
    )!;
    assert.deepEqual(Object.keys(attach.contexts?.quotas as object).sort(), ['cinder', 'nova']);
  });

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
