import { baseName } from '@pairpad/protocol/workspace';

/** One visible row of the tree: a folder (implied by the paths under it, or made on its own) or a file. */
export interface TreeRow {
  kind: 'folder' | 'file';
  /** The file's path, or the folder's (`src`, `src/lib`). */
  path: string;
  name: string;
  /** 1 at the top (aria-level). */
  level: number;
  /** Folders: shown open. */
  expanded?: boolean;
}

interface FolderNode {
  folders: Map<string, FolderNode>;
  files: string[];
}

function folderTree(paths: readonly string[], emptyFolders: readonly string[]): FolderNode {
  const root: FolderNode = { folders: new Map(), files: [] };
  for (const folder of emptyFolders) {
    let node = root;
    for (const part of folder.split('/')) {
      let next = node.folders.get(part);
      if (!next) node.folders.set(part, (next = { folders: new Map(), files: [] }));
      node = next;
    }
  }
  for (const path of paths) {
    const parts = path.split('/');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      let next = node.folders.get(part);
      if (!next) node.folders.set(part, (next = { folders: new Map(), files: [] }));
      node = next;
    }
    node.files.push(path);
  }
  return root;
}

/**
 * The rows a tree shows for `paths` and the folders made on their own: at each level folders
 * first, then files, each by name; the content of a collapsed folder is left out.
 */
export function treeRows(paths: readonly string[], collapsed: ReadonlySet<string>, folders: readonly string[] = []): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (node: FolderNode, prefix: string, level: number) => {
    for (const name of [...node.folders.keys()].sort()) {
      const path = prefix ? `${prefix}/${name}` : name;
      const expanded = !collapsed.has(path);
      rows.push({ kind: 'folder', path, name, level, expanded });
      if (expanded) walk(node.folders.get(name)!, path, level + 1);
    }
    for (const path of [...node.files].sort((a, b) => baseName(a).localeCompare(baseName(b)))) {
      rows.push({ kind: 'file', path, name: baseName(path), level });
    }
  };
  walk(folderTree(paths, folders), '', 1);
  return rows;
}

/** The folder row that holds `path` ('' at the top). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
