'use client';

import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { createFile, deletePath, renamePath, workspaceUndoManager } from '@pairpad/client';
import type { LanguageId } from '@pairpad/protocol';
import { ROOM_DOC } from '@pairpad/protocol/room-shape';
import { baseName, entryPath, fileLanguage, workspacePaths, workspaceText, type WorkspaceProblem } from '@pairpad/protocol/workspace';
import { cx } from '@/lib/cx';
import type { Participant } from '@/room/participants';
import CodeEditor from '../code-editor';
import { FileTree, type FilePresence } from './file-tree';
import { PersonMarks } from './person-marks';
import styles from './workspace-editor.module.css';
import ui from '../ui.module.css';

/** The awareness field that holds the path of the file a participant has open. */
export const OPEN_FILE_FIELD = 'file';

export interface WorkspaceEditorProps {
  doc: Y.Doc;
  awareness: Awareness;
  participants: readonly Participant[];
  /** The room's language: the entry file's, whatever its extension. */
  roomLanguage: LanguageId;
  readOnly: boolean;
  compact: boolean;
  /** Grows each time someone asks to add a file (the editor's "Add file"). */
  createRequest: number;
}

/** The workspace's paths and entry, kept current with the shared document. */
function useWorkspacePaths(doc: Y.Doc): { paths: string[]; entry: string } {
  const read = useCallback(() => ({ paths: workspacePaths(doc), entry: entryPath(doc) }), [doc]);
  const [state, setState] = useState(read);
  useEffect(() => {
    const files = doc.getMap(ROOM_DOC.files);
    const meta = doc.getMap(ROOM_DOC.meta);
    const update = () =>
      setState((previous) => {
        const next = read();
        return next.entry === previous.entry && next.paths.join('\n') === previous.paths.join('\n') ? previous : next;
      });
    update();
    files.observe(update);
    meta.observe(update);
    return () => {
      files.unobserve(update);
      meta.unobserve(update);
    };
  }, [doc, read]);
  return state;
}

/** Where each other participant is: their open file (the entry when they have none open). */
function presenceByFile(
  awareness: Awareness,
  participants: readonly Participant[],
  paths: readonly string[],
  entry: string,
): Map<string, FilePresence[]> {
  const byFile = new Map<string, FilePresence[]>();
  for (const person of participants) {
    if (person.isSelf) continue;
    const state = awareness.getStates().get(person.clientIds[0]!) as Record<string, unknown> | undefined;
    const file = state?.[OPEN_FILE_FIELD];
    const path = typeof file === 'string' && paths.includes(file) ? file : entry;
    byFile.set(path, [...(byFile.get(path) ?? []), { label: person.label, color: person.color, colorLight: person.colorLight }]);
  }
  return byFile;
}

/** A moved path's new place after `from` became `to` (a file, or a folder with what is in it). */
function moved(path: string, from: string, to: string): string {
  return path === from ? to : path.startsWith(`${from}/`) ? to + path.slice(from.length) : path;
}

/**
 * A room with several files: the tree beside the editor, tabs of the open files, and the editor
 * bound to the selected file's Y.Text. Loaded only once the room has a second file (or someone
 * adds one), so a single-file room's first load carries none of it.
 */
export default function WorkspaceEditor({
  doc,
  awareness,
  participants,
  roomLanguage,
  readOnly,
  compact,
  createRequest,
}: WorkspaceEditorProps) {
  const { paths, entry } = useWorkspacePaths(doc);
  const [tabs, setTabs] = useState<string[]>(() => [entryPath(doc)]);
  const [active, setActive] = useState<string>(() => entryPath(doc));
  const [deleted, setDeleted] = useState<string | null>(null);
  const undoManager = useMemo(() => workspaceUndoManager(doc), [doc]);
  const tabList = useRef<HTMLDivElement>(null);
  useEffect(() => () => undoManager.destroy(), [undoManager]);

  // A file that went (deleted or renamed by anyone) leaves the tabs; the entry is always there to fall back on.
  const shownTabs = tabs.filter((path) => paths.includes(path));
  if (!shownTabs.includes(entry)) shownTabs.unshift(entry);
  const shown = paths.includes(active) ? active : entry;

  useEffect(() => {
    awareness.setLocalStateField(OPEN_FILE_FIELD, shown);
  }, [awareness, shown]);
  useEffect(() => () => awareness.setLocalStateField(OPEN_FILE_FIELD, null), [awareness]);

  const open = useCallback((path: string) => {
    setTabs((current) => (current.includes(path) ? current : [...current, path]));
    setActive(path);
  }, []);

  const onCreate = (path: string): WorkspaceProblem | undefined => {
    const problem = createFile(doc, path);
    if (!problem) setDeleted(null);
    return problem;
  };
  const onRename = (from: string, to: string): WorkspaceProblem | undefined => {
    const problem = renamePath(doc, from, to);
    if (problem) return problem;
    setTabs((current) => current.map((path) => moved(path, from, to)));
    setActive((current) => moved(current, from, to));
    setDeleted(null);
    return undefined;
  };
  const onDelete = (path: string): WorkspaceProblem | undefined => {
    const problem = deletePath(doc, path);
    if (!problem) setDeleted(path);
    return problem;
  };
  const onUndo = (): boolean => {
    const undone = undoManager.undo() !== null;
    if (undone) setDeleted(null);
    return undone;
  };
  const closeTab = (path: string) => {
    if (path === entry) return;
    const index = shownTabs.indexOf(path);
    setTabs(shownTabs.filter((tab) => tab !== path));
    if (path === shown) setActive(shownTabs[index - 1] ?? entry);
  };

  const presence = useMemo(() => presenceByFile(awareness, participants, paths, entry), [awareness, participants, paths, entry]);
  const text = workspaceText(doc, shown);
  const language = shown === entry ? roomLanguage : (fileLanguage(shown)?.id ?? null);

  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = shownTabs.indexOf(shown);
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % shownTabs.length
        : event.key === 'ArrowLeft'
          ? (index + shownTabs.length - 1) % shownTabs.length
          : null;
    if (event.key === 'Delete') {
      event.preventDefault();
      closeTab(shown);
      return;
    }
    if (next === null) return;
    event.preventDefault();
    const path = shownTabs[next]!;
    setActive(path);
    tabList.current?.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`)?.focus();
  };

  return (
    <div className={cx(styles.workspace, compact && styles.compact)} data-testid="workspace">
      <aside className={styles.treePane} aria-label="Files">
        <FileTree
          paths={paths}
          entry={entry}
          active={shown}
          presence={presence}
          readOnly={readOnly}
          onOpen={open}
          onCreate={onCreate}
          onRename={onRename}
          onDelete={onDelete}
          onUndo={onUndo}
          createRequest={createRequest}
        />
        {deleted ? (
          <div role="status" className={styles.toast}>
            Deleted {deleted}.{' '}
            <button type="button" className={ui.linkButton} onClick={onUndo} disabled={readOnly}>
              Undo delete
            </button>
          </div>
        ) : null}
      </aside>
      <div className={styles.editorColumn}>
        <div className={styles.tabRow}>
          <div ref={tabList} role="tablist" aria-label="Open files" className={styles.tabs} onKeyDown={onTabKey}>
            {shownTabs.map((path) => {
              const here = presence.get(path) ?? [];
              return (
                <button
                  key={path}
                  type="button"
                  role="tab"
                  id={`file-tab-${path}`}
                  data-path={path}
                  aria-selected={path === shown}
                  aria-controls="workspace-editor-panel"
                  aria-label={`${path}${here.length ? `, ${here.map((person) => person.label).join(' and ')} here` : ''}`}
                  tabIndex={path === shown ? 0 : -1}
                  className={styles.tab}
                  title={path}
                  onClick={() => setActive(path)}
                >
                  {baseName(path)}
                  <PersonMarks people={here} path={path} />
                </button>
              );
            })}
          </div>
          {shown !== entry ? (
            <button type="button" className={cx(ui.linkButton, styles.close)} onClick={() => closeTab(shown)} aria-label={`Close ${shown}`}>
              ×
            </button>
          ) : null}
        </div>
        <div id="workspace-editor-panel" role="tabpanel" aria-label={shown} className={styles.editor}>
          {text ? <CodeEditor key={shown} text={text} awareness={awareness} language={language} readOnly={readOnly} /> : null}
        </div>
      </div>
    </div>
  );
}
