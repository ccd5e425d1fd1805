/**
 * The shape of a room's Yjs documents, declared once. Zod-free and dependency-free, so the
 * browser's room code imports it without pulling zod into the first-load bundle.
 *
 * A room has three documents:
 * - the shared document (everyone syncs it): the code, the shared input and `meta`;
 * - the private notes (synced with interviewer connections only);
 * - the interview state (server-only: relayed between backend nodes and persisted, never synced
 *   to any client, so no client can write lock / end / chat / timeline entries).
 */

/** The shared document every participant syncs. */
export const ROOM_DOC = {
  /** `Y.Text`: the code in the editor. */
  code: 'code',
  /** `Y.Text`: the shared "Input" (stdin) box. */
  stdin: 'stdin',
  /** `Y.Map`: room settings participants may change (the server validates them). */
  meta: 'meta',
  /**
   * `Y.Map<Y.Text>`: the OLD shape of the workspace (rooms stored before stable file ids): files
   * other than the entry by path. Read, never written again but to delete (a rename moves such a
   * file into `fileTexts`/`filePaths`); the server refuses additions. Readers: workspace.ts.
   */
  files: 'files',
  /**
   * `Y.Map<Y.Text>`: the workspace's files other than the entry, by stable file id. A file keeps
   * its id and its `Y.Text` object for life: a rename or move only changes `filePaths`, so an edit
   * typed concurrently with a rename lands in the same text. Empty in a single-file room.
   */
  fileTexts: 'fileTexts',
  /** `Y.Map<string>`: each file's path by file id (`src/util.py`). Rules and readers: workspace.ts. */
  filePaths: 'filePaths',
  /** `Y.Map<string>`: folders made on their own (shown before they hold a file), path by folder id. */
  folders: 'folders',
} as const;

/** Keys of `ROOM_DOC.meta`. */
export const META_KEYS = {
  /** A `LanguageId`; an invalid value is reverted by the server. */
  language: 'language',
  /** The entry file's path (its text is `ROOM_DOC.code`); absent: the language's file name (`main.py`). */
  entry: 'entry',
} as const;

/** The interviewers' private notes document. */
export const NOTES_DOC = {
  /** `Y.Text`: the notes. */
  text: 'notes',
} as const;

/** The server-only interview state document, replicated between backend nodes. */
export const INTERVIEW_DOC = {
  /** `Y.Map`: locked, runDisabled, ended, endedAt, startedAt, language. */
  controls: 'controls',
  /** `Y.Array<ChatMessage>`, oldest first. */
  chat: 'chat',
  /** `Y.Array<TimelineEvent>` other than runs (joins, leaves, pastes, focus, controls). */
  events: 'events',
  /** `Y.Map<RunRecord>` by job id: each run's latest state. */
  runs: 'runs',
  /** `Y.Array` of edit chunks: the code document's updates with time and author, written by the node each edit came through (`rooms/edit-recorder.ts`). */
  edits: 'edits',
  /** `Y.Array<Uint8Array>`: the code document before the first kept edit (merged Yjs updates). */
  editBase: 'editBase',
  /** `Y.Map`: the room's question with its full test cases, hidden ones included (key `current`). */
  question: 'question',
  /** `Y.Map<TestRunRecord>` by run id: each test run's latest state, full detail. */
  testRuns: 'testRuns',
  /** `Y.Map<Y.Array<ConsoleEntry>>` by job id: each run's console transcript. */
  consoles: 'consoles',
} as const;

/** The documents of a room, as the relay between nodes names them. */
export const ROOM_DOCUMENTS = ['doc', 'interview', 'notes'] as const;
export type RoomDocumentName = (typeof ROOM_DOCUMENTS)[number];
