// Reading the API with a copy kept on the phone: a screen shows what it saw last at once (also with no
// network), then what the server says now. Each person has their own copies.
import { useCallback, useEffect, useState } from "preact";
import { Offline } from "app/api.js";
import * as session from "app/session.js";
import * as store from "app/store.js";

// Load `name` with `load()` (an API call), falling back to the copy on this phone when offline.
export async function fresh(name, load) {
  const personId = session.me()?.id || 0;
  try {
    const value = await load();
    await store.keep(personId, name, value);
    return { value, saved: false };
  } catch (error) {
    const copy = await store.cached(personId, name);
    if (error instanceof Offline && copy) return { value: copy.value, saved: true, savedAt: copy.savedAt };
    throw error;
  }
}

export async function saved(name) {
  return (await store.cached(session.me()?.id || 0, name))?.value;
}

export function keep(name, value) {
  return store.keep(session.me()?.id || 0, name, value);
}

// {data, error, saved, savedAt, loading, reload}: the copy first, then the server's answer; `saved` when
// the server could not be reached and the copy (kept at `savedAt`) is what is shown.
export function useData(name, load) {
  const [state, setState] = useState({ data: undefined, error: null, saved: false, loading: true });
  const reload = useCallback(async () => {
    setState((before) => ({ ...before, loading: true }));
    try {
      const answer = await fresh(name, load);
      setState({ data: answer.value, error: null, saved: answer.saved, savedAt: answer.savedAt, loading: false });
    } catch (error) {
      setState((before) => ({ ...before, error, loading: false }));
    }
  }, [name]);
  useEffect(() => {
    let live = true;
    saved(name).then((copy) => {
      if (live && copy !== undefined) setState((before) => (before.data === undefined ? { ...before, data: copy } : before));
    });
    reload();
    return () => { live = false; };
  }, [name]);
  return { ...state, reload };
}

export { Offline };
