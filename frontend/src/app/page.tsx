import { CreateSessionForm } from '@/components/create-session-form';

export default function HomePage() {
  return (
    <main className="home">
      <section className="hero">
        <p className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            ⌘
          </span>
          PairPad
        </p>
        <h1>Live coding interviews, together in one editor.</h1>
        <ul className="feature-list">
          <li>Real-time shared editor with everyone&apos;s cursor and name</li>
          <li>Eleven languages with syntax highlighting, switched for the whole room</li>
          <li>Send one link to the candidate — no accounts, no installs</li>
        </ul>
      </section>
      <CreateSessionForm />
    </main>
  );
}
