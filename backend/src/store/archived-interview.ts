import * as Y from 'yjs';
import type { InterviewReport, Timeline } from '@pairpad/protocol';
import { RoomInterview } from '../rooms/room-interview';
import type { InterviewRecord } from './interview-repository';
import { decodeRoomState } from './room-state-codec';
import { newDoc } from '../rooms/new-doc';

/** The origin of the stored state's transactions: never a participant's. */
const ARCHIVE_ORIGIN = Symbol('archive');

export interface ArchivedViews {
  report: InterviewReport;
  timeline: Timeline;
}

/**
 * The report and the timeline of an interview no room holds any more (its session expired, or
 * the node that held it restarted), rebuilt from its stored state by the same code a live room
 * uses: the documents are loaded into a detached `RoomInterview`, read, and freed. Its clock
 * stops at the interview's end (or its last write), so durations do not grow with time.
 */
export function archivedViews(record: InterviewRecord): ArchivedViews {
  const stoppedAt = record.endedAt ?? record.updatedAt;
  const state = record.roomState ? decodeRoomState(record.roomState) : null;
  const doc = newDoc({ gc: true });
  // Loaded before the interview observes it: loading is not a change to record (a language
  // "switch" on the timeline, say).
  if (state) Y.applyUpdate(doc, state.doc, ARCHIVE_ORIGIN);
  const interview = new RoomInterview({ doc, sessionId: record.id }, { ended: record.status === 'ended', now: () => stoppedAt });
  try {
    if (state) Y.applyUpdate(interview.state.doc, state.interview, ARCHIVE_ORIGIN);
    if (record.notesState) Y.applyUpdate(interview.notes.doc, record.notesState, ARCHIVE_ORIGIN);
    return {
      report: interview.report({ title: record.title || null, createdAt: record.createdAt }),
      timeline: interview.timelineView(),
    };
  } finally {
    interview.destroy();
    doc.destroy();
  }
}
