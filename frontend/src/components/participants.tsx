import type { Participant } from '@/room/participants';
import { initials } from '@/room/user-color';
import { cx } from '@/lib/cx';
import styles from './participants.module.css';
import ui from './ui.module.css';

const STATUS_LABEL = { active: 'Active', idle: 'Idle', away: 'Away' } as const;
const ROLE_LABEL = { interviewer: 'Interviewer', candidate: 'Candidate' } as const;

/** Who is in the room, from awareness, one entry per person: avatar in their cursor color, name, role, presence, tabs. */
export function Participants({ participants }: { participants: Participant[] }) {
  return (
    <section className={cx(ui.panel, styles.participants)} aria-labelledby="participants-heading">
      <h2 id="participants-heading" className={ui.panelTitle}>
        Participants{' '}
        <span className={ui.countBadge} data-testid="participant-count">
          {participants.length}
        </span>
      </h2>
      <ul aria-label="Participants" className={styles.list}>
        {participants.map((participant) => (
          <li key={participant.key} className={styles.participant} data-status={participant.status}>
            <span className={styles.avatar} style={{ backgroundColor: participant.color }} aria-hidden="true">
              {initials(participant.name)}
              <span className={cx(styles.presenceDot, styles[participant.status])} />
            </span>
            <span className={styles.text}>
              <span className={styles.name}>
                {participant.label}
                {participant.isSelf ? <span className={styles.you}> (you)</span> : null}
              </span>
              <span className={styles.meta}>
                {ROLE_LABEL[participant.role]} · {STATUS_LABEL[participant.status]}
                {participant.clientIds.length > 1 ? ` · ${participant.clientIds.length} tabs` : null}
              </span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
