import {
  AppError,
  type ApiCreateInterviewBody,
  type ApiInterview,
  type ApiInterviewCreated,
  type ApiInterviewList,
  type ApiListInterviewsQuery,
  type ApiPlayback,
  type ApiScorecardList,
  type InterviewReport,
} from '@pairpad/protocol';
import type { InterviewCreator, RoomManager } from '../rooms';
import type { SessionRecord, SessionService } from '../sessions';
import { archivedViews, listFilters, type InterviewRecord, type InterviewRepository } from '../store';
import { scorecardView, type ScorecardRepository } from '../scorecards';
import type { ApiCaller } from './api-token-service';
import { archivedInterviewView, liveInterviewView, playbackView } from './interview-views';

export interface PublicApiOptions {
  publicUrl: string;
  sessions: SessionService;
  rooms: RoomManager;
  interviews: InterviewRepository;
  /** The same creator as POST /api/sessions: archived and announced the same way. */
  creator: InterviewCreator;
  /** Scorecards: an API token sees every submitted one, never a draft. */
  scorecards: ScorecardRepository;
  /** Team members by email (interviewers named in a new interview). */
  members: {
    memberByEmail(email: string): Promise<TeamMember | undefined>;
    memberById(id: string): Promise<TeamMember | undefined>;
  };
}

interface TeamMember {
  id: string;
  name: string;
  email: string;
  disabled: boolean;
}

type Found = { live: SessionRecord; archived: InterviewRecord | null } | { live: null; archived: InterviewRecord };

/**
 * What `/api/v1` does, without HTTP: the adapter (`http/api-v1-routes.ts`) has parsed the input
 * with the route's schema and checked the token and its scope.
 */
export class PublicApi {
  constructor(private readonly options: PublicApiOptions) {}

  async createInterview(caller: ApiCaller, body: ApiCreateInterviewBody): Promise<ApiInterviewCreated> {
    // Every interviewer is checked before anything is created: a bad one creates nothing.
    const interviewers = await this.resolveInterviewers(body.interviewers, caller.member);
    const created = await this.options.creator.create(
      {
        language: body.language,
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.questionId !== undefined ? { questionId: body.questionId } : {}),
        ...(body.candidateName !== undefined ? { candidateName: body.candidateName } : {}),
        ...(body.candidateEmail !== undefined ? { candidateEmail: body.candidateEmail } : {}),
      },
      caller.member,
      // Interviewers named at creation may score it, as if they had joined its room already
      // (recorded while the room is seeded, before the answer).
      async (record) => {
        await Promise.all(interviewers.map((member) => this.options.scorecards.recordInterviewer(record.id, member.id)));
      },
    );
    const { publicUrl } = this.options;
    const question = created.question ? { id: created.question.id, title: created.question.title } : null;
    const interview = liveInterviewView(publicUrl, created.record, { id: caller.member.id, name: caller.member.name }, question);
    return {
      interview,
      guestInterviewerLink: created.response.links.interviewer,
      interviewers: interviewers.map((member) => ({ email: member.email, name: member.name, link: interview.links.room })),
    };
  }

  async listInterviews(query: ApiListInterviewsQuery): Promise<ApiInterviewList> {
    const page = await this.options.interviews.list({ scope: 'team', limit: query.limit, ...listFilters(query) });
    return { items: page.items.map((item) => archivedInterviewView(this.options.publicUrl, item)), nextCursor: page.nextCursor };
  }

  async getInterview(id: string): Promise<ApiInterview> {
    const found = await this.find(id);
    if (!found.live) return archivedInterviewView(this.options.publicUrl, found.archived);
    if (found.archived) return archivedInterviewView(this.options.publicUrl, found.archived);
    const { live } = found;
    const creator = live.createdBy ? await this.options.members.memberById(live.createdBy) : undefined;
    return liveInterviewView(this.options.publicUrl, live, creator ? { id: creator.id, name: creator.name } : null, null);
  }

  /** The report: from the live room while the session lives, else rebuilt from the database. */
  async report(id: string): Promise<InterviewReport> {
    const found = await this.find(id);
    if (found.live)
      return (await this.options.rooms.open(found.live)).interview.report({ title: found.live.title, createdAt: found.live.createdAt });
    return archivedViews(found.archived).report;
  }

  async playback(id: string, backendUrl: string): Promise<ApiPlayback> {
    await this.find(id);
    return playbackView(this.options.publicUrl, backendUrl, id);
  }

  async scorecards(id: string): Promise<ApiScorecardList> {
    await this.find(id);
    const listing = await this.options.scorecards.listForInterview(id, { kind: 'api' });
    return { items: listing.scorecards.map(scorecardView) };
  }

  /** The live session and/or the kept interview; INTERVIEW_NOT_FOUND when neither (or deleted). */
  private async find(id: string): Promise<Found> {
    const [live, archived] = await Promise.all([this.options.sessions.store.get(id), this.options.interviews.get(id)]);
    if (live) return { live, archived };
    if (archived) return { live: null, archived };
    throw new AppError('INTERVIEW_NOT_FOUND', "No such interview in the team's archive (or it was deleted).");
  }

  /**
   * The members named (emails arrive lowercased). The token's own member was read with the token
   * in this request, active: naming oneself costs no second read.
   */
  private async resolveInterviewers(
    emails: readonly string[],
    self: ApiCaller['member'],
  ): Promise<Array<{ id: string; email: string; name: string }>> {
    const unique = [...new Set(emails)];
    const members = await Promise.all(
      unique.map((email) =>
        email === self.email.toLowerCase() ? { ...self, disabled: false } : this.options.members.memberByEmail(email),
      ),
    );
    const problems: Record<string, string> = {};
    unique.forEach((email, index) => {
      const member = members[index];
      if (!member || member.disabled) problems[`interviewers.${emails.indexOf(email)}`] = `${email} is not an active member of the team`;
    });
    if (Object.keys(problems).length > 0) {
      throw new AppError('INTERVIEWER_NOT_MEMBER', `Interviewers must be active members: ${Object.values(problems).join('; ')}.`, problems);
    }
    return members.map((member) => ({ id: member!.id, email: member!.email, name: member!.name }));
  }
}
