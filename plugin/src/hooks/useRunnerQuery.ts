import { useCallback, useEffect, useRef, useState } from 'react';

import { RunnerApiError, toRunnerError } from '../api/errors';

export interface RunnerQuery<T> {
  data?: T;
  error?: RunnerApiError;
  loading: boolean;
  reload: () => void;
}

/** Loads once per change of `key`; a slower earlier answer never overwrites a newer one, nor touches an unmounted page. */
export function useRunnerQuery<T>(key: string | null, load: () => Promise<T>): RunnerQuery<T> {
  const [state, setState] = useState<{ data?: T; error?: RunnerApiError; loading: boolean }>({ loading: key !== null });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    if (key === null) {
      setState({ loading: false });
      return;
    }
    const request = ++latest.current;
    let mounted = true;
    const current = () => mounted && request === latest.current;
    setState((s) => ({ data: s.data, loading: true }));
    loadRef.current().then(
      (data) => current() && setState({ data, loading: false }),
      (e) => current() && setState({ error: toRunnerError(e), loading: false })
    );
    return () => {
      mounted = false;
    };
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
