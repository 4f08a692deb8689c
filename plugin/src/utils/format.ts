// How durations, ratios and latencies read everywhere in the app and the panel.

export function formatRatio(ratio: number | null): string {
  if (ratio === null) {
    return 'n/a';
  }
  const percent = ratio * 100;
  // 99.95% must not read as 100%: floor rather than round at two decimals.
  return `${(Math.floor(percent * 100) / 100).toFixed(2)}%`;
}

export function formatDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) {
    return `${totalSeconds}s`;
  }
  const days = Math.floor(totalSeconds / 86400);
  const hours = Math.floor((totalSeconds % 86400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts: string[] = [];
  if (days) {
    parts.push(`${days}d`);
  }
  if (hours) {
    parts.push(`${hours}h`);
  }
  if (minutes) {
    parts.push(`${minutes}m`);
  }
  if (seconds && !days) {
    parts.push(`${seconds}s`);
  }
  return parts.join(' ');
}

/** A latency in seconds, as Rally reports them. */
export function formatSeconds(seconds: number | undefined): string {
  return seconds === undefined ? '-' : `${seconds.toFixed(2)} s`;
}
