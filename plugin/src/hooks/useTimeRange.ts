import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { dateMath, dateTime, DateTime, RawTimeRange, TimeRange } from '@grafana/data';

const DEFAULT_RANGE = { from: 'now-24h', to: 'now' };

function parse(raw: string, roundUp: boolean): DateTime {
  if (/^\d+$/.test(raw)) {
    return dateTime(Number(raw));
  }
  return dateMath.parse(raw, roundUp) ?? dateTime();
}

function toRaw(value: RawTimeRange['from']): string {
  return typeof value === 'string' ? value : String(value.valueOf());
}

/** The page's time range lives in the URL (?from=&to=), like Grafana's own, so links and reloads keep it. */
export function useTimeRange(defaults = DEFAULT_RANGE) {
  const [params, setParams] = useSearchParams();
  const rawFrom = params.get('from') ?? defaults.from;
  const rawTo = params.get('to') ?? defaults.to;
  // A relative range ("now-24h") is resolved once per change; a refresh resolves "now" again.
  const [resolvedAt, setResolvedAt] = useState(0);
  const range: TimeRange = useMemo(() => {
    const from = parse(rawFrom, false);
    const to = parse(rawTo, true);
    return { from, to, raw: { from: rawFrom, to: rawTo } };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rawFrom, rawTo, resolvedAt]);
  const refresh = useCallback(() => setResolvedAt(Date.now()), []);

  const setRange = useCallback(
    (next: TimeRange) =>
      setParams((current) => {
        const updated = new URLSearchParams(current);
        updated.set('from', toRaw(next.raw.from));
        updated.set('to', toRaw(next.raw.to));
        return updated;
      }),
    [setParams]
  );
  return { range, setRange, refresh };
}
