'use client';

import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { ROOM_DOC } from '@pairpad/protocol/room-shape';

/**
 * Whether the room's workspace holds files beside the entry, or a folder (one of its maps is not
 * empty): the room then loads its file tree. Reads only the maps' sizes, so the room's first load
 * carries nothing of the workspace (the tree, the path rules) until a second file exists.
 */
export function useMultiFile(doc: Y.Doc | null): boolean {
  const [multiFile, setMultiFile] = useState(false);
  useEffect(() => {
    if (!doc) return;
    const maps = [ROOM_DOC.files, ROOM_DOC.filePaths, ROOM_DOC.folders].map((name) => doc.getMap<unknown>(name));
    const update = () => setMultiFile(maps.some((map) => map.size > 0));
    update();
    for (const map of maps) map.observe(update);
    return () => {
      for (const map of maps) map.unobserve(update);
    };
  }, [doc]);
  return multiFile;
}
