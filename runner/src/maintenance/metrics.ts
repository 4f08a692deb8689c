// The maintenance metrics (docs/metrics.md), read from the windows at every scrape so that a window starting or
// ending between cycles shows at once: the alert rules hold a service's alerts back with
// `unless on (...) rally_service_maintenance == 1`.
import { Gauge, type Registry } from 'prom-client';
import { SERVICE_NAMES, type ServiceName } from '../services.js';

export interface MaintenanceReadings {
  activeServices(now?: Date): Set<ServiceName>;
  /** Whether the last sync with Alertmanager reached it for every window; null without one or before the first. */
  silenceSyncOk(): boolean | null;
}

export function registerMaintenanceMetrics(registry: Registry, readings: MaintenanceReadings): void {
  new Gauge({
    name: 'rally_service_maintenance',
    help: 'Whether a maintenance window covers the service now (1) or not (0).',
    labelNames: ['service'],
    registers: [registry],
    collect() {
      const active = readings.activeServices();
      for (const service of SERVICE_NAMES) this.set({ service }, active.has(service) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'rally_maintenance_silence_sync_success',
    help: 'Whether the last sync of maintenance silences with Alertmanager reached it (1) or failed (0).',
    registers: [registry],
    collect() {
      const ok = readings.silenceSyncOk();
      this.reset();
      if (ok !== null) this.set(ok ? 1 : 0);
    },
  });
}
