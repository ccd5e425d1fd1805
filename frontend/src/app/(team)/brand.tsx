import Link from 'next/link';
import ui from '../../components/ui.module.css';

export function Brand() {
  return (
    <Link href="/" className={ui.brand}>
      <span className={ui.brandMark} aria-hidden="true">
        ⌘
      </span>
      PairPad
    </Link>
  );
}
