import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="centered-page">
      <div className="card">
        <h1>Page not found</h1>
        <p>
          <Link href="/" className="button primary">
            Go to PairPad
          </Link>
        </p>
      </div>
    </main>
  );
}
