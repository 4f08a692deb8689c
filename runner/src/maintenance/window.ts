// A maintenance window: services an operator is working on from `start` to `end`, for a reason. While one covers a
// service, the service's results are recorded as `maintenance` and its alerts are held back (docs/api.md).
// This module only judges windows (shape, times, overlaps); maintenance/store.ts keeps them.
import { randomBytes } from 'node:crypto';
import { SERVICE_NAMES, isServiceName, type ServiceName } from '../services.js';

export type WindowSource = 'api' | 'provisioning';
/** Where a window stands now: computed from its times and whether it was cancelled, never stored. */
export type WindowState = 'upcoming' | 'active' | 'ended' | 'cancelled';

/**
 * The Alertmanager silence that holds back the window's alerts (maintenance/silences.ts). `disabled`: no Alertmanager
 * is configured (the rules alone hold the alerts back); `failed`: the last attempt to reach it failed (`error` says
 * why) and the next sync tries again.
 */
export interface SilenceRecord {
  id: string | null;
  state: 'disabled' | 'pending' | 'active' | 'expired' | 'failed';
  error?: string;
  syncedAt?: string;
}

export interface MaintenanceWindow {
  id: string;
  services: ServiceName[];
  start: string;
  end: string;
  reason: string;
  source: WindowSource;
  createdAt: string;
  cancelledAt: string | null;
  silence: SilenceRecord;
}

/** A window as the API shows it: with its state now. */
export type WindowView = MaintenanceWindow & { state: WindowState };

export class WindowError extends Error {}

export const WINDOW_ID_PATTERN = /^mw-[0-9a-z-]{1,64}$/;
export const MAX_WINDOW_REASON = 500;
/** How far in the past a start may be (a form filled in slowly, clocks apart) before it is refused as past. */
export const START_GRACE_SECONDS = 300;

export function newWindowId(): string {
  return `mw-${randomBytes(6).toString('hex')}`;
}

export function windowState(window: MaintenanceWindow, now: Date): WindowState {
  if (window.cancelledAt) return 'cancelled';
  if (Date.parse(window.end) <= now.getTime()) return 'ended';
  if (Date.parse(window.start) > now.getTime()) return 'upcoming';
  return 'active';
}

export function viewOf(window: MaintenanceWindow, now: Date): WindowView {
  return { ...window, state: windowState(window, now) };
}

/** Whether the window still counts (not cancelled, not over): only these can overlap a new one or cover a result. */
export function isLive(window: MaintenanceWindow, now: Date): boolean {
  const state = windowState(window, now);
  return state === 'upcoming' || state === 'active';
}

/** What a client asks for, before it is checked. `start` defaults to now. */
export interface WindowRequest {
  services: unknown;
  start?: Date | undefined;
  end: Date;
  reason: unknown;
}

export interface WindowRules {
  now: Date;
  maxDurationSeconds: number;
  /** The windows already kept: a new one may not overlap a live one on the same service. */
  existing: readonly MaintenanceWindow[];
}

function humanDuration(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function checkServices(value: unknown): ServiceName[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new WindowError(`services must be a non-empty list of service names (${SERVICE_NAMES.join(', ')})`);
  }
  const names = value.map((name) => (typeof name === 'string' ? name.trim().toLowerCase() : name));
  const unknown = names.filter((name) => typeof name !== 'string' || !isServiceName(name));
  if (unknown.length > 0) {
    const shown = unknown.map((name) => JSON.stringify(name).slice(0, 66)).join(', ');
    throw new WindowError(`unknown service ${shown} (known: ${SERVICE_NAMES.join(', ')})`);
  }
  return SERVICE_NAMES.filter((service) => names.includes(service));
}

function checkReason(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new WindowError('reason must be a non-empty text saying why (it is shown on every result and silence)');
  }
  // One line, as every reason the app and the alerts show: control characters would break both.
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new WindowError('reason must be one line without control characters');
  const reason = value.trim();
  if (reason.length > MAX_WINDOW_REASON) {
    throw new WindowError(`reason must be at most ${MAX_WINDOW_REASON} characters (got ${reason.length})`);
  }
  return reason;
}

/**
 * Checks a requested window against the rules (known services, a reason, an end after the start, not past, not
 * longer than the maximum, no overlap on a service with a live window) and returns what to keep. Every refusal is a
 * WindowError whose message says what is wrong, for a 400.
 */
export function checkWindow(
  request: WindowRequest,
  rules: WindowRules
): Pick<MaintenanceWindow, 'services' | 'start' | 'end' | 'reason'> {
  const services = checkServices(request.services);
  const reason = checkReason(request.reason);
  const now = rules.now.getTime();
  const start = request.start ?? rules.now;
  const { end } = request;
  if (end.getTime() <= start.getTime()) {
    throw new WindowError(`end (${end.toISOString()}) must be after start (${start.toISOString()})`);
  }
  if (end.getTime() <= now) {
    throw new WindowError(`the window is in the past: it ends at ${end.toISOString()}, before now`);
  }
  if (start.getTime() < now - START_GRACE_SECONDS * 1000) {
    throw new WindowError(
      `start (${start.toISOString()}) is in the past; leave start out for a window that begins now`
    );
  }
  const seconds = (end.getTime() - Math.max(start.getTime(), now)) / 1000;
  if (seconds > rules.maxDurationSeconds) {
    throw new WindowError(
      `the window lasts ${humanDuration(Math.round(seconds))}, longer than the maximum of ` +
        `${humanDuration(rules.maxDurationSeconds)} (RALLY_MONITOR_MAINTENANCE_MAX_DURATION)`
    );
  }
  for (const other of rules.existing) {
    if (!isLive(other, rules.now)) continue;
    const shared = other.services.filter((service) => services.includes(service));
    if (shared.length === 0) continue;
    if (start.getTime() < Date.parse(other.end) && Date.parse(other.start) < end.getTime()) {
      throw new WindowError(
        `the window overlaps ${other.id} on ${shared.join(', ')} (${other.start} to ${other.end}: ${other.reason}); ` +
          'cancel that one or choose other times'
      );
    }
  }
  return { services, start: start.toISOString(), end: end.toISOString(), reason };
}

/** The live window covering `service` at any time from `from` to `to` (a task that touches a window is in it). */
export function windowCovering(
  windows: readonly MaintenanceWindow[],
  service: ServiceName,
  from: Date,
  to: Date
): MaintenanceWindow | null {
  for (const window of windows) {
    if (window.cancelledAt && Date.parse(window.cancelledAt) <= from.getTime()) continue;
    if (!window.services.includes(service)) continue;
    const end = window.cancelledAt
      ? Math.min(Date.parse(window.end), Date.parse(window.cancelledAt))
      : Date.parse(window.end);
    if (Date.parse(window.start) <= to.getTime() && from.getTime() < end) return window;
  }
  return null;
}
