'use client';

import { createContext, useCallback, useContext, type ReactNode } from 'react';
import type { PublicConfig } from './runtime-config';

const ConfigContext = createContext<PublicConfig>({ apiUrl: null });

export function ConfigProvider({ value, children }: { value: PublicConfig; children: ReactNode }) {
  return <ConfigContext.Provider value={value}>{children}</ConfigContext.Provider>;
}

/** The default backend port when no URL is configured: the page's own host, port 5000. */
const DEFAULT_BACKEND_PORT = 5000;

/**
 * The backend origin for REST and Socket.IO. Configured per deployment (`API_URL`); otherwise the
 * page's own host on port 5000, so opening the app from another machine on the LAN still works.
 * Only meaningful in the browser (call it from effects and event handlers).
 */
export function useResolveApiUrl(): () => string {
  const { apiUrl } = useContext(ConfigContext);
  return useCallback(() => apiUrl ?? `${window.location.protocol}//${window.location.hostname}:${DEFAULT_BACKEND_PORT}`, [apiUrl]);
}
