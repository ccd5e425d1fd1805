import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { ThemeController } from '@/components/theme-controller';
import { ConfigProvider } from '@/lib/config-context';
import { readPublicConfig } from '@/lib/runtime-config';
import { THEME_BOOT_SCRIPT } from '@/lib/theme';
import './theme.css';
import './globals.css';

export const metadata: Metadata = {
  title: 'PairPad — live coding interviews',
  description: 'Open-source live coding interviews: shared editor, shared runs, self-hostable.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Render per request so the backend URL comes from the server's environment, not the build's.
  await connection();
  const config = readPublicConfig();
  // The Content-Security-Policy (src/proxy.ts) only runs inline scripts that carry this request's nonce.
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    // The theme script sets data-theme on <html> before React hydrates: not a mismatch to warn about.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_BOOT_SCRIPT }} />
      </head>
      <body>
        <ThemeController />
        <ConfigProvider value={config}>{children}</ConfigProvider>
      </body>
    </html>
  );
}
