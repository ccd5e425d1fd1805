import { test as base, expect, type Page } from '@playwright/test';
import { FRONTEND_URL } from './env';
import { memberContext } from './member';
import { createSessionViaApi, joinRoom, type CreatedSession } from './room';

/** Every websocket frame (text or binary) a page receives, as it arrived. */
export interface FrameCapture {
  frames: Array<string | Buffer>;
}

/** An interview in progress: the interviewer (Ivy, signed in) and the candidate (Cara, anonymous), each in their own browser. */
export interface TwoPersonRoom {
  session: CreatedSession;
  interviewer: Page;
  candidate: Page;
  /** Everything the candidate's page received over websockets since before it opened the room. */
  candidateFrames: FrameCapture;
}

export interface RoomFixtures {
  /** The session the `room` fixture creates; override per file with `test.use({ sessionBody: … })`. */
  sessionBody: { name?: string; language?: string; title?: string; questionId?: string };
  room: TwoPersonRoom;
}

function captureFrames(page: Page): FrameCapture {
  const capture: FrameCapture = { frames: [] };
  page.on('websocket', (socket) => socket.on('framereceived', (frame) => capture.frames.push(frame.payload)));
  return capture;
}

/** True when any frame holds `needle`, as text or as UTF-8 bytes inside a binary frame. */
export function framesContain(capture: FrameCapture, needle: string): boolean {
  const bytes = Buffer.from(needle, 'utf8');
  return capture.frames.some((frame) => (typeof frame === 'string' ? frame.includes(needle) : frame.includes(bytes)));
}

export const test = base.extend<RoomFixtures>({
  sessionBody: [{ name: 'Ivy', language: 'python', title: 'Two sum' }, { option: true }],
  room: async ({ browser, sessionBody }, use) => {
    const session = await createSessionViaApi(sessionBody);
    // The interviewer's browser may read back what it copied (copy-link tests).
    // The interviewer is a signed-in team member; the candidate's browser has no cookie.
    const interviewerContext = await memberContext(browser);
    await interviewerContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: FRONTEND_URL });
    const candidateContext = await browser.newContext();
    const interviewer = await interviewerContext.newPage();
    const candidate = await candidateContext.newPage();
    const candidateFrames = captureFrames(candidate);
    await Promise.all([
      joinRoom(interviewer, `/interview/${session.id}?token=${session.interviewerToken}&name=Ivy`),
      joinRoom(candidate, `/interview/${session.id}?name=Cara`),
    ]);
    await use({ session, interviewer, candidate, candidateFrames });
    await Promise.all([interviewerContext.close(), candidateContext.close()]);
  },
});

export { expect };
