import { CreateSessionForm } from '@/components/create-session-form';
import { LanguagesClaim } from '@/components/languages-claim';
import { SettingsMenu } from '@/components/settings-menu';
import { LanguagesProvider } from '@/lib/use-languages';

export default function HomePage() {
  return (
    // One runtimes request serves both the languages line and the form's language picker.
    <LanguagesProvider>
      <header className="home-header">
        <SettingsMenu editor={false} />
      </header>
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
            <LanguagesClaim />
            <li>Send one link to the candidate — no accounts, no installs</li>
          </ul>
        </section>
        <CreateSessionForm />
      </main>
    </LanguagesProvider>
  );
}
