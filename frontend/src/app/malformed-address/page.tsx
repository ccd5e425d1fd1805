import type { Metadata } from 'next';
import Link from 'next/link';
import { cx } from '@/lib/cx';
import ui from '@/components/ui.module.css';

export const metadata: Metadata = { title: 'Address not valid — PairPad' };

/**
 * What a path with a malformed percent-escape (`/interview/%ff`) shows: the proxy rewrites such
 * requests here with status 400, since Next's router cannot decode them into a page's parameters.
 */
export default function MalformedAddress() {
  return (
    <main className={ui.centeredPage}>
      <div className={ui.card}>
        <h1>This address is not valid</h1>
        <p>It holds a malformed escape (such as %ff). Check the link you were sent, or copy it again.</p>
        <p>
          <Link href="/" className={cx(ui.button, ui.primary)}>
            Go to PairPad
          </Link>
        </p>
      </div>
    </main>
  );
}
