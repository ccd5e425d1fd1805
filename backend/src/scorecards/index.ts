export {
  ScorecardRepository,
  type ScorecardContent,
  type ScorecardListing,
  type ScorecardRecord,
  type ScorecardRevisionRecord,
  type ScorecardViewer,
  type ScoredInterview,
  type StoredRubric,
} from './scorecard-repository';
export { ScorecardService, type ScorecardServiceOptions, type ScoringMember } from './scorecard-service';
export { TeamRubricStore, TEAM_RUBRIC_SETTING } from './team-rubric';
export { scorecardSummary, scorecardView } from './scorecard-views';
