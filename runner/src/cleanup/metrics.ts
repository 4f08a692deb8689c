// The cleanup monitor's metrics (docs/metrics.md), registered on the runner's registry. Series of a service or
// type that could not be listed are removed, never set to 0: an unknown count is not "no leaks". Leaks not proven
// to be Rally's (attribution `unattributed`) are counted apart, so that names which only look like Rally's raise no
// leak alert and do not age the oldest leak.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { CleanupReport } from './report.js';

export class CleanupMetrics {
  private readonly orphaned: Gauge;
  private readonly unattributed: Gauge;
  private readonly oldestAge: Gauge;
  private readonly lastScan: Gauge;
  private readonly scanDuration: Gauge;
  private readonly scanSuccess: Gauge;
  private readonly lastScanSuccess: Gauge;
  /** Seconds since epoch of each service's last full listing: a failed scan must not forget it. */
  private readonly lastSuccessOf = new Map<string, number>();
  private readonly deletions: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.orphaned = new Gauge({
      name: 'rally_orphaned_resources',
      help: 'Rally-named resources of a known Rally task found by the last cleanup scan, by service and resource type.',
      labelNames: ['service', 'resource_type'],
      registers,
    });
    this.unattributed = new Gauge({
      name: 'rally_orphaned_unattributed_resources',
      help: 'Resources named in a Rally format whose task neither the history nor the Rally database knows, found by the last scan.',
      labelNames: ['service', 'resource_type'],
      registers,
    });
    this.oldestAge = new Gauge({
      name: 'rally_orphaned_resource_oldest_age_seconds',
      help: 'Age of the oldest Rally-named resource of the type found by the last scan, in seconds.',
      labelNames: ['service', 'resource_type'],
      registers,
    });
    this.lastScan = new Gauge({
      name: 'rally_cleanup_last_scan_timestamp_seconds',
      help: 'When the last cleanup scan finished, in seconds since epoch.',
      registers,
    });
    this.scanDuration = new Gauge({
      name: 'rally_cleanup_scan_duration_seconds',
      help: 'Wall time of the last cleanup scan, in seconds.',
      registers,
    });
    this.scanSuccess = new Gauge({
      name: 'rally_cleanup_scan_success',
      help: 'Whether the last scan listed every resource type of the service (1) or not (0).',
      labelNames: ['service'],
      registers,
    });
    this.lastScanSuccess = new Gauge({
      name: 'rally_cleanup_last_scan_success_timestamp_seconds',
      help: 'When a scan last listed every resource type of the service, in seconds since epoch.',
      labelNames: ['service'],
      registers,
    });
    this.deletions = new Counter({
      name: 'rally_cleanup_deletions_total',
      help: 'Purge deletions by outcome since the runner started.',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['deleted', 'failed']) this.deletions.inc({ outcome }, 0);
  }

  /** `counts` leaves out what is not a leak yet: resources a running cycle made since its before-scan. */
  showScan(report: CleanupReport, counts: (leak: CleanupReport['leaks'][number]) => boolean = () => true): void {
    const finishedAt = Date.parse(report.scannedAt) / 1000 + report.durationSeconds;
    for (const gauge of [this.orphaned, this.unattributed, this.oldestAge, this.scanSuccess, this.lastScanSuccess]) {
      gauge.reset();
    }
    for (const service of report.services) {
      if (service.state === 'absent') {
        this.lastSuccessOf.delete(service.service);
        continue;
      }
      this.scanSuccess.set({ service: service.service }, service.state === 'ok' ? 1 : 0);
      if (service.state === 'ok') this.lastSuccessOf.set(service.service, finishedAt);
      const lastSuccess = this.lastSuccessOf.get(service.service);
      if (lastSuccess !== undefined) this.lastScanSuccess.set({ service: service.service }, lastSuccess);
      for (const type of service.types) {
        if (type.state !== 'ok') continue;
        const named = report.leaks.filter(
          (leak) => leak.service === service.service && leak.type === type.type && counts(leak)
        );
        const leaks = named.filter((leak) => leak.attribution !== 'unattributed');
        const labels = { service: service.service, resource_type: type.type };
        this.orphaned.set(labels, leaks.length);
        this.unattributed.set(labels, named.length - leaks.length);
        if (leaks.length > 0) this.oldestAge.set(labels, Math.max(...leaks.map((leak) => leak.ageSeconds)));
      }
    }
    this.lastScan.set(finishedAt);
    this.scanDuration.set(report.durationSeconds);
  }

  countDeletion(outcome: 'deleted' | 'failed'): void {
    this.deletions.inc({ outcome });
  }
}
