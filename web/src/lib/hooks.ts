"use client";

import { useCallback, useEffect, useRef, useState } from "react";

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs load whenever key changes (or reload is called), cancelling the previous run.
 * Keeps the last data while a new load runs, so tables don't flash.
 */
export function useLoader<T>(load: (signal: AbortSignal) => Promise<T>, key: string, enabled = true): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: null, loading: enabled });
  const [nonce, setNonce] = useState(0);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  }, [load]);

  useEffect(() => {
    if (!enabled) return;
    const ctrl = new AbortController();
    let live = true;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- marks the start of an async load
    setState((s) => ({ ...s, loading: true, error: null }));
    loadRef.current(ctrl.signal).then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: unknown) => live && !ctrl.signal.aborted && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      live = false;
      ctrl.abort();
    };
  }, [key, nonce, enabled]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}

/** A value that follows input after delayMs of quiet. */
export function useDebounced<T>(input: T, delayMs: number): T {
  const [value, setValue] = useState(input);
  useEffect(() => {
    const t = setTimeout(() => setValue(input), delayMs);
    return () => clearTimeout(t);
  }, [input, delayMs]);
  return value;
}
