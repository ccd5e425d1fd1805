import type { ReactNode } from 'react';
import { AuthProvider } from '@/lib/auth-context';

/** The team's pages (sign-in, setup, invite, reset, dashboard, members) share who is signed in. */
export default function TeamLayout({ children }: { children: ReactNode }) {
  return <AuthProvider>{children}</AuthProvider>;
}
