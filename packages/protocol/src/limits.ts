/** Size limits shared by client and server; the server also enforces them (config can lower some). */
export const MAX_NAME_LENGTH = 40;
export const MAX_TITLE_LENGTH = 120;
/** Session ids are UUID v4 strings; anything else is rejected before touching a store. */
export const SESSION_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Interviewer tokens are 43 base64url characters (32 random bytes). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/**
 * Scorecards and rubrics, in characters: a criterion's notes hold a few paragraphs, the overall
 * notes a page; anchors are one line each. The server answers SCORECARD_NOTES_TOO_LONG past them.
 */
export const SCORECARD_LIMITS = Object.freeze({
  criterionNotesChars: 4_000,
  overallNotesChars: 10_000,
  criteria: 12,
  criterionNameChars: 80,
  criterionDescriptionChars: 500,
  anchorChars: 300,
});
