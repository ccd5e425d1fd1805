import { RECOMMENDATION_LABELS, RECOMMENDATIONS, type Rubric, type ScorecardListResponse, type ScorecardView } from '@pairpad/protocol';
import { cx } from '@/lib/cx';
import styles from './scorecard-list.module.css';
import ui from './ui.module.css';

/** The summary of an interview's visible submitted scorecards: mean per criterion, recommendations counted. */
export function ScorecardSummaryView({ rubric, summary }: { rubric: Rubric; summary: NonNullable<ScorecardListResponse['summary']> }) {
  return (
    <div className={styles.summary} data-testid="scorecard-summary">
      <p className={styles.counts}>
        {RECOMMENDATIONS.map((value) => (
          <span key={value} className={cx(styles.recommendation, styles[value])}>
            {RECOMMENDATION_LABELS[value]}: {summary.recommendations[value]}
          </span>
        ))}
      </p>
      <table className={styles.table} aria-label="Average score per criterion">
        <thead>
          <tr>
            <th>Criterion</th>
            <th>Average (1–4)</th>
          </tr>
        </thead>
        <tbody>
          {rubric.criteria.map((criterion) => (
            <tr key={criterion.id}>
              <td>{criterion.name}</td>
              <td>{summary.averages[criterion.id]?.toFixed(2) ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One scorecard, read-only: recommendation, a score and notes per criterion, overall notes, versions. */
export function ScorecardCard({ rubric, card }: { rubric: Rubric; card: ScorecardView }) {
  return (
    <article className={styles.card} data-testid="scorecard-card" aria-label={`Scorecard by ${card.author.name}`}>
      <header className={styles.cardHeader}>
        <strong>{card.author.name}</strong>
        {card.recommendation ? (
          <span className={cx(styles.recommendation, styles[card.recommendation])}>{RECOMMENDATION_LABELS[card.recommendation]}</span>
        ) : null}
        <span className={ui.muted}>
          {card.status === 'draft' ? 'Draft' : `Submitted${card.version > 1 ? ` (version ${card.version})` : ''}`}
        </span>
      </header>
      <dl className={styles.scores}>
        {rubric.criteria.map((criterion) => {
          const entry = card.scores[criterion.id];
          return (
            <div key={criterion.id} className={styles.score}>
              <dt>
                {criterion.name}: <strong>{entry?.score ?? '—'}</strong>
                {entry?.score ? <span className={ui.muted}> · {criterion.anchors[entry.score as 1 | 2 | 3 | 4]}</span> : null}
              </dt>
              {entry?.notes ? <dd className={styles.notes}>{entry.notes}</dd> : null}
            </div>
          );
        })}
      </dl>
      {card.notes ? <p className={styles.notes}>{card.notes}</p> : null}
      {card.history.length > 0 ? (
        <details className={styles.history}>
          <summary>Earlier versions ({card.history.length})</summary>
          <ol>
            {card.history.map((revision) => (
              <li key={revision.version}>
                Version {revision.version}, {new Date(revision.submittedAt).toLocaleString()}:{' '}
                {revision.recommendation ? RECOMMENDATION_LABELS[revision.recommendation] : '—'};{' '}
                {rubric.criteria.map((criterion) => `${criterion.name} ${revision.scores[criterion.id]?.score ?? '—'}`).join(', ')}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </article>
  );
}

/** What the viewer may see of an interview's scorecards (the server applied the independent-judgement rule). */
export function ScorecardList({ list, excludeAuthorId }: { list: ScorecardListResponse; excludeAuthorId?: string }) {
  const cards = list.scorecards.filter((card) => card.author.id !== excludeAuthorId);
  const rubric = list.rubric.rubric;
  return (
    <div className={styles.list}>
      {list.hiddenCount > 0 ? (
        <p className={ui.muted} data-testid="scorecards-hidden">
          {list.hiddenCount === 1 ? '1 scorecard' : `${list.hiddenCount} scorecards`} from other interviewers{' '}
          {list.visibility === 'own' ? 'will show once you submit yours.' : 'are hidden from you.'}
        </p>
      ) : null}
      {list.summary ? <ScorecardSummaryView rubric={rubric} summary={list.summary} /> : null}
      {cards.map((card) => (
        <ScorecardCard key={card.id} rubric={rubric} card={card} />
      ))}
      {cards.length === 0 && list.hiddenCount === 0 ? (
        <p className={ui.muted}>{excludeAuthorId ? 'No other scorecards yet.' : 'No scorecards yet.'}</p>
      ) : null}
    </div>
  );
}
