'use client';

import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { RuntimeListSchema } from '@pairpad/protocol/first-load-schemas';
import { languagesFromRuntimes, type LanguageAvailability } from '@pairpad/protocol/language-table';
import { ApiError, request } from './api';
import { useResolveApiUrl } from './config-context';

/**
 * Which room languages this server can run, from the executor's runtimes (`GET /api/runtimes`).
 * The pickers show every language at once and refine the list when the answer comes, so a slow
 * or absent executor never blocks the page.
 */
export type LanguagesView =
  | { status: 'loading' }
  | { status: 'ready'; languages: LanguageAvailability[] }
  /** The runtimes could not be fetched; `message` says why in words, without internals. */
  | { status: 'unavailable'; message: string };

/** An executor still proving its toolchains answers an empty list for a few seconds. */
const EMPTY_RETRY_MS = 2_000;
const EMPTY_RETRIES = 10;
/** How often a page that could not get the runtimes asks again. */
const FAILURE_RETRY_MS = 15_000;

export async function fetchLanguages(apiUrl: string, signal?: AbortSignal): Promise<LanguageAvailability[]> {
  const body = await request(apiUrl, '/api/runtimes', { signal });
  const parsed = RuntimeListSchema.safeParse(body);
  if (!parsed.success) throw new ApiError('BAD_RESPONSE', 'The server listed its languages in a form this page does not understand.');
  return languagesFromRuntimes(parsed.data);
}

function unavailableMessage(error: unknown): string {
  if (error instanceof ApiError && error.code === 'NETWORK_ERROR')
    return 'Cannot reach the PairPad server, so the languages it runs are unknown.';
  return 'Code execution is unavailable on this server right now, so the languages it runs are unknown.';
}

function useFetchedLanguages(enabled: boolean): LanguagesView {
  const resolveApiUrl = useResolveApiUrl();
  const [view, setView] = useState<LanguagesView>({ status: 'loading' });

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let emptyAnswers = 0;
    const load = async () => {
      try {
        const languages = await fetchLanguages(resolveApiUrl(), controller.signal);
        if (controller.signal.aborted) return;
        if (!languages.some((entry) => entry.available) && ++emptyAnswers <= EMPTY_RETRIES) {
          timer = setTimeout(load, EMPTY_RETRY_MS);
          return;
        }
        setView({ status: 'ready', languages });
      } catch (error) {
        if (controller.signal.aborted) return;
        setView({ status: 'unavailable', message: unavailableMessage(error) });
        timer = setTimeout(load, FAILURE_RETRY_MS);
      }
    };
    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [enabled, resolveApiUrl]);

  return view;
}

const LanguagesContext = createContext<LanguagesView | null>(null);

/** One runtimes request shared by every picker below it (the home page's claim and form). */
export function LanguagesProvider({ children }: { children: ReactNode }) {
  const view = useFetchedLanguages(true);
  return <LanguagesContext.Provider value={view}>{children}</LanguagesContext.Provider>;
}

/** The languages view from the nearest `LanguagesProvider`, or fetched for this component alone. */
export function useLanguages(): LanguagesView {
  const shared = useContext(LanguagesContext);
  const own = useFetchedLanguages(shared === null);
  return shared ?? own;
}

/** The entry for one language once the runtimes are known (undefined while loading or unknown). */
export function availabilityOf(view: LanguagesView, id: string): LanguageAvailability | undefined {
  return view.status === 'ready' ? view.languages.find((entry) => entry.id === id) : undefined;
}
