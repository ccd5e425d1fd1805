import { emptyRecommendationCounts, type Rubric, type ScorecardSummary, type ScorecardView } from '@pairpad/protocol';
import type { ScorecardRecord } from './scorecard-repository';

const iso = (ms: number): string => new Date(ms).toISOString();

/** A stored scorecard as the REST answers (and the public API) show it: ISO times. */
export function scorecardView(record: ScorecardRecord): ScorecardView {
  return {
    id: record.id,
    interviewId: record.interviewId,
    author: record.author,
    status: record.status,
    scores: record.scores,
    recommendation: record.recommendation,
    notes: record.notes,
    version: record.version,
    updatedAt: iso(record.updatedAt),
    submittedAt: record.submittedAt === null ? null : iso(record.submittedAt),
    history: record.history.map((revision) => ({ ...revision, submittedAt: iso(revision.submittedAt) })),
  };
}

/** Mean score per criterion and recommendation counts over the submitted scorecards given; null if none. */
export function scorecardSummary(rubric: Rubric, records: readonly ScorecardRecord[]): ScorecardSummary | null {
  const submitted = records.filter((record) => record.status === 'submitted');
  if (submitted.length === 0) return null;
  const averages: Record<string, number | null> = {};
  for (const criterion of rubric.criteria) {
    const scores = submitted
      .map((record) => record.scores[criterion.id]?.score)
      .filter((score): score is number => typeof score === 'number');
    averages[criterion.id] =
      scores.length === 0 ? null : Math.round((scores.reduce((sum, score) => sum + score, 0) / scores.length) * 100) / 100;
  }
  const recommendations = emptyRecommendationCounts();
  for (const record of submitted) if (record.recommendation) recommendations[record.recommendation] += 1;
  return { submitted: submitted.length, averages, recommendations };
}
