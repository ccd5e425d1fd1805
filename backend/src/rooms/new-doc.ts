import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';

/**
 * A Y.Doc whose guid comes from node's randomUUID (drawn from a pooled buffer). Yjs's default,
 * lib0's uuidv4, makes 31 separate crypto.getRandomValues calls per document: 45 % of a room's
 * construction in a profile of POST /api/v1/interviews (issue 23). Both are random v4 UUIDs;
 * the guid only names subdocuments, which rooms do not use.
 */
export function newDoc(options: Omit<NonNullable<ConstructorParameters<typeof Y.Doc>[0]>, 'guid'> = {}): Y.Doc {
  return new Y.Doc({ ...options, guid: randomUUID() });
}
