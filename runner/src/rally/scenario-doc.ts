// docs/scenarios.md, made from the scenario files themselves: each workload carries a `# proves: ...` comment above
// its `- scenario:` line, the Jinja blocks around it say which profile runs it, and OPTIONAL_WORKLOADS says what it
// needs. One source: runner/test/unit/scenario-doc.test.ts fails when the document and the files drift apart.
//   node runner/dist/src/rally/scenario-doc.js > docs/scenarios.md
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES, type ServiceName } from '../services.js';
import { LIGHT_ONCE, OPTIONAL_WORKLOADS, QUOTA_SERVICES } from './task-args.js';

export interface CatalogRow {
  service: ServiceName;
  scenario: string;
  heavyOnly: boolean;
  proves: string;
}

/** The workloads of one scenario file, in file order. Throws for a workload without its `# proves:` line. */
export function workloadsOfFile(service: ServiceName, text: string): CatalogRow[] {
  const rows: CatalogRow[] = [];
  // Open Jinja blocks: true for one that only the heavy profile enters.
  const blocks: boolean[] = [];
  let loopNames: string[] = [];
  let proves: string | null = null;
  for (const line of text.split('\n')) {
    const control = /^\s*\{%-?\s*(if|for|endif|endfor)\b(.*?)-?%\}\s*$/.exec(line);
    if (control) {
      const [, keyword, rest] = control;
      if (keyword === 'if' || keyword === 'for') blocks.push(/profile == "heavy"/.test(rest!));
      else blocks.pop();
      if (keyword === 'for') loopNames = [...rest!.matchAll(/"([A-Za-z]+\.[a-z_]+)"/g)].map((m) => m[1]!);
      continue;
    }
    const comment = /^\s*# proves: (.+)$/.exec(line);
    if (comment) {
      proves = comment[1]!.trim();
      continue;
    }
    const scenario = /^\s*- scenario:\s*(?:\{\s*([^:]+?)\s*:)?/.exec(line);
    if (!scenario) continue;
    const named = scenario[1] ?? null;
    const names = named === null ? [] : named.includes('{{') ? loopNames : [named];
    if (!proves) {
      throw new Error(`${service}.yaml: a workload (${named ?? line.trim()}) has no "# proves:" line above it`);
    }
    const heavyOnly = blocks.some(Boolean);
    for (const name of names) rows.push({ service, scenario: name, heavyOnly, proves });
    if (names.length === 0) rows.push({ service, scenario: '', heavyOnly, proves });
    proves = null;
  }
  // A block-style entry names its scenario on the next line.
  const lines = text.split('\n');
  let at = 0;
  for (const row of rows.filter((r) => r.scenario === '')) {
    at = lines.findIndex((line, i) => i >= at && /^\s*- scenario:\s*$/.test(line));
    row.scenario = lines[at + 1]!.trim().replace(/:$/, '');
    at += 1;
  }
  return rows;
}

export function scenarioCatalog(scenariosDir: string): CatalogRow[] {
  return SERVICE_NAMES.flatMap((service) =>
    workloadsOfFile(service, readFileSync(join(scenariosDir, `${service}.yaml`), 'utf8'))
  );
}

const NEED_WORDS: Record<string, string> = {
  image: 'an image (`RALLY_NOVA_IMAGE`)',
  'external-network': 'an external network (`RALLY_EXTERNAL_NETWORK`)',
  'resize-flavor': 'a flavor to resize to (`RALLY_NOVA_RESIZE_FLAVOR`)',
};

function needsOf(row: CatalogRow): string {
  const optional = OPTIONAL_WORKLOADS.find((w) => w.service === row.service && w.scenario === row.scenario);
  if (!optional) return '';
  return optional.needs
    .map((need) => (typeof need === 'string' ? NEED_WORDS[need]! : `${need.service} in the catalog`))
    .join(', ');
}

/** What `npm test` proves of these workloads on the local cloud (test/cloud), and what its fake drivers cannot. */
const LOCAL_CLOUD_LIMITS = [
  '## On the local test cloud',
  '',
  '`npm test` runs every workload of the heavy profile (which holds every light workload) in one cycle against',
  "test/cloud's OpenStack, and the cleanup monitor's scan after it must find nothing the cycle left. The cloud has no",
  'hypervisor and no disks, so some of what a workload proves on a real cloud is not exercised there:',
  '',
  "- Nova runs a fake compute driver: servers boot with no disk and no network. Nova's own fake driver uploads nothing",
  "  when it snapshots (nova/virt/fake.py), so the image would stay `queued`; the local cloud's driver",
  "  (test/cloud/lib/nova-path/rally_monitor_fake_virt.py) uploads a 64 KiB stand-in disk as libvirt's driver uploads",
  '  the real one. `NovaServers.snapshot_server` proves the API, conductor, compute manager and Glance path there, not',
  '  the copy of a disk.',
  '- `NovaServers.resize_server` resizes on the same host or onto another fake host (`allow_resize_to_same_host`): the',
  '  scheduling, the claims in Placement and the confirm are real; no disk is moved.',
  "- Cinder runs `FakeLoggingVolumeDriver`: a volume exists only in Cinder's database. In",
  "  `CinderVolumes.create_and_attach_volume`, Cinder's attachment API and the driver's connection calls are real, and",
  "  Nova's fake driver only records the mount: no block device reaches a guest. The shipped fake fails every extend",
  "  (it inherits LVM's); the local cloud's (test/cloud/lib/cinder-path/) fakes it like its other calls, so",
  '  `CinderVolumes.create_and_extend_volume` proves the API, scheduler and volume manager path, not a disk growing.',
  '- The floating IP workload is skipped (no external network: Neutron runs without agents, so a port cannot be',
  '  bound); the cycle lists it with its reason, as it does on any cloud without `RALLY_EXTERNAL_NETWORK`.',
  '',
];

export function renderScenarioDoc(rows: readonly CatalogRow[]): string {
  const out = [
    '# Scenario catalog',
    '',
    '<!-- Made from runner/scenarios/*.yaml by runner/src/rally/scenario-doc.ts; do not edit by hand:',
    '     node runner/dist/src/rally/scenario-doc.js > docs/scenarios.md -->',
    '',
    'Each cycle runs one Rally task per service, `runner/scenarios/<service>.yaml`. Every workload has a',
    '`failure_rate` SLA of 0 and a time SLA; the light profile (the default, hourly against production) runs',
    '`RALLY_MONITOR_ITERATIONS` iterations of each, except the workloads marked "once", and the heavy profile',
    "(`RALLY_MONITOR_PROFILE=heavy`) adds workloads and lifts the quotas of Rally's temporary projects (the",
    '`quotas` context, -1 for every limit it sets) in the files that name them. A workload whose need is absent is',
    'left out and listed in the results as `skipped`, with the reason and how to set what it needs.',
    '',
  ];
  for (const service of SERVICE_NAMES) {
    const quotas = QUOTA_SERVICES[service];
    out.push(`## ${service}`, '');
    if (quotas.length > 0) {
      out.push(`Heavy profile: unlimited ${quotas.join(' and ')} quotas for the temporary projects.`, '');
    }
    out.push('| workload | profiles | needs | proves |', '|---|---|---|---|');
    for (const row of rows.filter((r) => r.service === service)) {
      const profiles = row.heavyOnly
        ? 'heavy'
        : LIGHT_ONCE.includes(row.scenario)
          ? 'light (once), heavy'
          : 'light, heavy';
      out.push(`| \`${row.scenario}\` | ${profiles} | ${needsOf(row)} | ${row.proves} |`);
    }
    out.push('');
  }
  out.push(...LOCAL_CLOUD_LIMITS);
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(
    renderScenarioDoc(scenarioCatalog(fileURLToPath(new URL('../../../scenarios/', import.meta.url))))
  );
}
