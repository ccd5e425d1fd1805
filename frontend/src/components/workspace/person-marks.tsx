import type { FilePresence } from './file-tree';
import styles from './person-marks.module.css';

/** The initials of the people who have `path` open, in their colours (the tree's rows and the tabs). */
export function PersonMarks({ people, path }: { people: readonly FilePresence[]; path: string }) {
  return people.map((person) => (
    <span
      key={person.label}
      aria-hidden="true"
      className={styles.person}
      style={{ background: person.colorLight, borderColor: person.color }}
      title={`${person.label} is in ${path}`}
    >
      {person.label.slice(0, 1).toUpperCase()}
    </span>
  ));
}
