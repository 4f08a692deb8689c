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

/** The answer of GET /api/cleanup: the report, and with `refresh=true` what the refresh got. */
export type CleanupAnswer = CleanupReport & { refresh?: RefreshOutcome };

export interface PurgeScope {
  services?: ServiceName[];
  types?: string[];
  runId?: string;
  /** Only these resources (ids as a dry run listed them), so a confirmation deletes nothing it did not show. */
  ids?: string[];
  /** Also purge leaks whose task no Rally database here knows (attribution `unattributed`); never by default. */
  includeUnattributed?: boolean;
}

/**
 * Why a purge left an in-scope leak out: `unattributed` (not proven to be Rally's; see includeUnattributed),
 * `scan-failed` (its service could not be listed in full, so what depends on it is unknown), `dependents-unknown`
 * (another service that may hold resources using it could not be listed, e.g. a project whose servers are unknown).
 */
export type LeftOutReason = 'unattributed' | 'scan-failed' | 'dependents-unknown';

export interface LeftOut {
  leak: Leak;
  reason: LeftOutReason;
  /** The same in words, for operators. */
  detail: string;
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
  /** In scope and old enough, but not purged, each with the reason. */
  leftOut: LeftOut[];
  /** Services whose listing failed: nothing of theirs, nor anything they may depend on, was purged. */
  failedServices: ServiceName[];
  results: DeletionResult[];
  /** Why the purge stopped before its end (the audit log could not be written); null when it ran to the end. */
  stopped: string | null;
}
