import type { Participant } from '@/room/participants';
import { initials } from '@/room/user-color';

const STATUS_LABEL = { active: 'Active', idle: 'Idle', away: 'Away' } as const;
const ROLE_LABEL = { interviewer: 'Interviewer', candidate: 'Candidate' } as const;

/** Who is in the room, from awareness, one entry per person: avatar in their cursor color, name, role, presence, tabs. */
export function Participants({ participants }: { participants: Participant[] }) {
  return (
    <section className="panel participants" aria-labelledby="participants-heading">
      <h2 id="participants-heading" className="panel-title">
        Participants <span className="count-badge" data-testid="participant-count">{participants.length}</span>
      </h2>
      <ul aria-label="Participants" className="participant-list">
        {participants.map((participant) => (
          <li key={participant.key} className="participant" data-status={participant.status}>
            <span className="avatar" style={{ backgroundColor: participant.color }} aria-hidden="true">
              {initials(participant.name)}
              <span className={`presence-dot presence-${participant.status}`} />
            </span>
            <span className="participant-text">
              <span className="participant-name">
                {participant.name}
                {participant.isSelf ? <span className="you"> (you)</span> : null}
              </span>
              <span className="participant-meta">
                {ROLE_LABEL[participant.role]} · <span className={`status-word status-${participant.status}`}>{STATUS_LABEL[participant.status]}</span>
                {participant.clientIds.length > 1 ? ` · ${participant.clientIds.length} tabs` : null}
              </span>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
