import { AppError, MAX_TITLE_LENGTH, type CreateSessionBody, type CreateSessionResponse, type Question } from '@pairpad/protocol';
import type { SessionRecord, SessionService } from '../sessions';
import type { NewInterview } from '../store';
import { assertWithinLimits, replaceCode, type RoomQuestionLimits } from './room-questions';
import type { RoomManager } from './room-manager';
import type { Room } from './room';
import { seedWorkspace } from './workspace-seed';

export interface InterviewCreatorOptions {
  sessions: SessionService;
  rooms: RoomManager;
  publicUrl: string;
  /** The question bank, for interviews created from a question (`questionId`). */
  questions?: { get(id: string): Question | undefined };
  questionLimits?: RoomQuestionLimits;
  /** Project templates (previews/): a question that names one lays its room out as the template's workspace. */
  templates?: {
    layOut(room: Room, template: string, own: { starters: Question['starters']; files: Question['files'] }): Promise<void>;
  };
  /**
   * The new interview's record, for the database and the team's events (written in the
   * background; never fails the creation). Every way of creating an interview goes through here.
   */
  onCreated?: (interview: NewInterview) => void;
}

export interface CreatedInterview {
  record: SessionRecord;
  question: Question | undefined;
  response: CreateSessionResponse;
}

/**
 * Creates an interview: the session, its archive record, and a room seeded from the question.
 * One code path for `POST /api/sessions` (a member's browser) and `POST /api/v1/interviews`
 * (an API token), so both are archived and announced the same way.
 */
export class InterviewCreator {
  constructor(private readonly options: InterviewCreatorOptions) {}

  /**
   * `alongside` starts once the session exists, before the room is seeded, and is awaited before
   * this returns: its database round trips (the API's interviewers) overlap the seeding's CPU work.
   */
  async create(
    body: CreateSessionBody,
    member: { id: string; name: string },
    alongside?: (record: SessionRecord) => Promise<void>,
  ): Promise<CreatedInterview> {
    const { sessions, publicUrl } = this.options;
    // Checked before anything is created: an unknown question creates no session.
    const question = body.questionId === undefined ? undefined : this.options.questions?.get(body.questionId);
    if (body.questionId !== undefined && !question)
      throw new AppError('QUESTION_NOT_FOUND', `No question with the id "${body.questionId}".`);
    if (question && this.options.questionLimits) assertWithinLimits(question.tests, this.options.questionLimits);
    const { record, interviewerToken } = await sessions.create(
      { ...body, name: body.name ?? member.name, title: body.title || question?.title.slice(0, MAX_TITLE_LENGTH) },
      member.id,
    );
    this.options.onCreated?.({
      id: record.id,
      title: record.title ?? '',
      language: record.language,
      questionId: question?.id ?? null,
      questionTitle: question?.title ?? null,
      createdBy: member.id,
      candidateName: body.candidateName ?? null,
      candidateEmail: body.candidateEmail ?? null,
      interviewerTokenHash: record.interviewerTokenHash,
      createdAt: record.createdAt,
    });
    const sideWork = alongside?.(record);
    try {
      if (question) await this.seedRoom(record, question);
    } catch (error) {
      await sideWork?.catch(() => undefined);
      throw error;
    }
    await sideWork;
    const candidate = `${publicUrl}/interview/${record.id}`;
    const response: CreateSessionResponse = {
      ...sessions.publicView(record, 0),
      interviewerToken,
      links: { candidate, interviewer: `${candidate}?token=${interviewerToken}` },
    };
    return { record, question, response };
  }

  /** The room starts from the question: its description, cases, and the starter for the language. */
  private async seedRoom(record: SessionRecord, question: Question): Promise<void> {
    const room = await this.options.rooms.open(record);
    // Loaded by the server, not written by anyone in the room: the interview may stay resting.
    room.interview.quietly(() =>
      room.interview.questions.load({ name: record.interviewerName ?? 'Interviewer', role: 'interviewer' }, question),
    );
    // A question naming a template: the template's workspace with the question's files on top
    // (from an executor; none answering, the question's own files alone, as any question's).
    if (question.template && this.options.templates) {
      const laidOut = await this.options.templates
        .layOut(room, question.template, { starters: question.starters, files: question.files })
        .then(
          () => true,
          () => false,
        );
      if (laidOut) return void room.interview.flushRecording();
    }
    const starter = question.starters[record.language];
    if (starter !== undefined) replaceCode(room.doc, starter, null);
    // A question that ships several files seeds the workspace with the others (the starter is the entry).
    seedWorkspace(room.doc, question.files[record.language]);
    room.interview.flushRecording();
  }
}
