import { RecommendationSchema, type Recommendation } from '@pairpad/protocol';
import { InterviewStatusSchema, type InterviewScope, type InterviewStatus } from '@/lib/team-shapes';

/**
 * The dashboard's filters as the address bar carries them (`/dashboard?scope=team&status=ended`),
 * so a filtered list can be bookmarked, shared with a colleague or reloaded. A value the page does
 * not know (a hand-edited address, an old link) falls back to its default instead of failing.
 */
export interface DashboardFilters {
  scope: InterviewScope;
  status: InterviewStatus | null;
  q: string;
  /** Days as the date inputs hold them: yyyy-mm-dd or ''. */
  from: string;
  to: string;
  recommendation: Recommendation | null;
}

export const NO_FILTERS: DashboardFilters = { scope: 'mine', status: null, q: '', from: '', to: '', recommendation: null };

const SEARCH_MAX_CHARS = 200;

/** yyyy-mm-dd of a real calendar day, else ''. */
function day(value: string | null): string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return '';
  const [year, month, date] = value.split('-').map(Number);
  const parsed = new Date(Date.UTC(year ?? 0, (month ?? 0) - 1, date ?? 0));
  return parsed.getUTCFullYear() === year && parsed.getUTCMonth() + 1 === month && parsed.getUTCDate() === date ? value : '';
}

export function filtersFromSearch(params: URLSearchParams): DashboardFilters {
  const status = InterviewStatusSchema.safeParse(params.get('status'));
  const recommendation = RecommendationSchema.safeParse(params.get('recommendation'));
  const from = day(params.get('from'));
  const to = day(params.get('to'));
  return {
    scope: params.get('scope') === 'team' ? 'team' : 'mine',
    status: status.success ? status.data : null,
    q: (params.get('q') ?? '').slice(0, SEARCH_MAX_CHARS),
    // A range that ends before it starts keeps its start only.
    from,
    to: from && to && to < from ? '' : to,
    recommendation: recommendation.success ? recommendation.data : null,
  };
}

/** The query string for these filters, defaults left out ('' when nothing is filtered). */
export function filtersToSearch(filters: DashboardFilters): string {
  const params = new URLSearchParams();
  if (filters.scope !== NO_FILTERS.scope) params.set('scope', filters.scope);
  if (filters.status) params.set('status', filters.status);
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.recommendation) params.set('recommendation', filters.recommendation);
  const query = params.toString();
  return query ? `?${query}` : '';
}
