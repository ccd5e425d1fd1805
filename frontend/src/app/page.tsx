import { CreateSessionForm } from '@/components/create-session-form';
import { LanguagesClaim } from '@/components/languages-claim';
import { SettingsMenu } from '@/components/settings-menu';
import ui from '@/components/ui.module.css';
import { cx } from '@/lib/cx';
import { LanguagesProvider } from '@/lib/use-languages';
import styles from './page.module.css';

export default function HomePage() {
  return (
    // One runtimes request serves both the languages line and the form's language picker.
    <LanguagesProvider>
      <header className={styles.header}>
        <SettingsMenu editor={false} />
      </header>
      <main className={styles.home}>
        <section className={styles.hero}>
          <p className={cx(ui.brand, ui.brandLarge)}>
            <span className={ui.brandMark} aria-hidden="true">
              ⌘
            </span>
            PairPad
          </p>
          <h1>Live coding interviews, together in one editor.</h1>
          <ul className={styles.features}>
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
