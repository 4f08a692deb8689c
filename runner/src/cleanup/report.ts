// The cleanup monitor's results as the API serves them (docs/api.md): types only, so API clients (the plugin) can
// share them without the scanning and purging code.
import type { ServiceName } from '../services.js';
import type { Leak } from './leak.js';

export type TypeScanState = 'ok' | 'failed' | 'unavailable';

export interface TypeScan {
  type: string;
  state: TypeScanState;
  /** Rally-named resources found (0 when the listing failed: see state). */
  count: number;
  error?: string;
}

export interface ServiceScan {
  service: ServiceName;
  /** ok: every type listed; failed: at least one could not be; absent: not in the catalog. */
  state: 'ok' | 'failed' | 'absent';
  error?: string;
  types: TypeScan[];
}

export interface CleanupReport {
  scannedAt: string;
  durationSeconds: number;
  minAgeSeconds: number;
  services: ServiceScan[];
  leaks: Leak[];
}

/** What a `refresh=true` request got: a scan it started, the scan already in flight, or the latest (too soon). */
export type RefreshOutcome = 'started' | 'coalesced' | 'rate-limited';

export interface PurgeScope {
  services?: ServiceName[];
  types?: string[];
  runId?: string;
  /** Only these resources (ids as a dry run listed them), so a confirmation deletes nothing it did not show. */
  ids?: string[];
}

export interface DeletionResult {
  leak: Leak;
  outcome: 'deleted' | 'failed';
  error?: string;
}

export interface PurgeOutcome {
  dryRun: boolean;
  scope: PurgeScope;
  minAgeSeconds: number;
  scannedAt: string;
  /** What is (dry run) or was deleted, in deletion order. */
  candidates: Leak[];
  /** In scope, but younger than the minimum age: left alone. */
  tooYoung: Leak[];
  /** Services whose listing failed: their leaks are unknown, so nothing of theirs was considered. */
  failedServices: ServiceName[];
  results: DeletionResult[];
  /** Why the purge stopped before its end (the audit log could not be written); null when it ran to the end. */
  stopped: string | null;
}
