import Link from 'next/link';
import { cx } from '@/lib/cx';
import ui from '@/components/ui.module.css';

export default function NotFound() {
  return (
    <main className={ui.centeredPage}>
      <div className={ui.card}>
        <h1>Page not found</h1>
        <p>
          <Link href="/" className={cx(ui.button, ui.primary)}>
            Go to PairPad
          </Link>
        </p>
      </div>
    </main>
  );
}
