import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { ConfigProvider } from '@/lib/config-context';
import { readPublicConfig } from '@/lib/runtime-config';
import './globals.css';
import './questions.css';

export const metadata: Metadata = {
  title: 'PairPad — live coding interviews',
  description: 'Open-source live coding interviews: shared editor, shared runs, self-hostable.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Render per request so the backend URL comes from the server's environment, not the build's.
  await connection();
  const config = readPublicConfig();
  return (
    <html lang="en">
      <body>
        <ConfigProvider value={config}>{children}</ConfigProvider>
      </body>
    </html>
  );
}
