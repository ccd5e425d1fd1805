import * as Y from 'yjs';
import { WORKSPACE_LIMITS, filePathsMap, fileTextsMap, workspacePaths } from '@pairpad/protocol';

/** A server-made file id (fileIdProblem's alphabet; `s-` so it is told apart from a client's). */
function serverFileId(): string {
  return `s-${Math.random().toString(36).slice(2, 12)}${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Adds a question's further files (path → content) to the room's workspace, in one transaction
 * of the server's own (origin null: recorded as the server's edit, no author). A file already at
 * a path is kept as it is (a question loaded mid-interview never overwrites typed work); a file
 * past the workspace's count is left out. Returns the paths added.
 */
export function seedWorkspace(doc: Y.Doc, files: Readonly<Record<string, string>> | undefined): string[] {
  if (!files) return [];
  const existing = new Set(workspacePaths(doc));
  const added: string[] = [];
  doc.transact(() => {
    for (const [path, content] of Object.entries(files)) {
      if (existing.has(path) || existing.size + added.length >= WORKSPACE_LIMITS.files) continue;
      if ([...existing, ...added].some((other) => other.startsWith(`${path}/`) || path.startsWith(`${other}/`))) continue;
      const id = serverFileId();
      const text = new Y.Text();
      fileTextsMap(doc).set(id, text);
      filePathsMap(doc).set(id, path);
      text.insert(0, content);
      added.push(path);
    }
  }, null);
  return added;
}
