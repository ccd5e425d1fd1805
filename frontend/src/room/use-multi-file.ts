'use client';

import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { ROOM_DOC } from '@pairpad/protocol/room-shape';

/**
 * Whether the room's workspace holds files beside the entry (its `files` map is not empty): the
 * room then loads its file tree. Reads only the map's size, so the room's first load carries
 * nothing of the workspace (the tree, the path rules) until a second file exists.
 */
export function useMultiFile(doc: Y.Doc | null): boolean {
  const [multiFile, setMultiFile] = useState(false);
  useEffect(() => {
    if (!doc) return;
    const files = doc.getMap<unknown>(ROOM_DOC.files);
    const update = () => setMultiFile(files.size > 0);
    update();
    files.observe(update);
    return () => files.unobserve(update);
  }, [doc]);
  return multiFile;
}
