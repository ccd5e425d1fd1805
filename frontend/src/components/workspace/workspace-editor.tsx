'use client';

import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { createFile, createFolder, deletePath, renamePath, workspaceUndoManager } from '@pairpad/client';
import type { LanguageId } from '@pairpad/protocol';
import { ROOM_DOC } from '@pairpad/protocol/room-shape';
import {
  ENTRY_FILE_ID,
  baseName,
  fileLanguage,
  readWorkspace,
  type WorkspaceProblem,
  type WorkspaceView,
} from '@pairpad/protocol/workspace';
import { cx } from '@/lib/cx';
import type { Participant } from '@/room/participants';
import CodeEditor from '../code-editor';
import { FileTree, type FilePresence } from './file-tree';
import { PersonMarks } from './person-marks';
import styles from './workspace-editor.module.css';
import ui from '../ui.module.css';

/** The awareness field that holds the id of the file a participant has open (ENTRY_FILE_ID for the entry). */
export const OPEN_FILE_FIELD = 'fileId';

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

const WORKSPACE_MAPS = [ROOM_DOC.files, ROOM_DOC.fileTexts, ROOM_DOC.filePaths, ROOM_DOC.folders, ROOM_DOC.meta] as const;

function sameView(a: WorkspaceView, b: WorkspaceView): boolean {
  const key = (view: WorkspaceView) =>
    [view.entry, ...view.files.map((file) => `${file.id}=${file.path}`), ...view.folders.map((folder) => `/${folder.path}`)].join('\n');
  return key(a) === key(b) && a.files.every((file, index) => file.text === b.files[index]!.text);
}

/** The workspace (files by id with their paths, folders), kept current with the shared document. */
function useWorkspace(doc: Y.Doc): WorkspaceView {
  const [state, setState] = useState(() => readWorkspace(doc));
  useEffect(() => {
    const maps = WORKSPACE_MAPS.map((name) => doc.getMap(name));
    const update = () =>
      setState((previous) => {
        const next = readWorkspace(doc);
        return sameView(previous, next) ? previous : next;
      });
    update();
    for (const map of maps) map.observe(update);
    return () => {
      for (const map of maps) map.unobserve(update);
    };
  }, [doc]);
  return state;
}

/**
 * Where each other participant is, by path: the file whose id they have open (followed through a
 * rename, so "Cara is in lib/a.py" once src/a.py moves), the entry when they have none open.
 */
function presenceByFile(awareness: Awareness, participants: readonly Participant[], view: WorkspaceView): Map<string, FilePresence[]> {
  const byFile = new Map<string, FilePresence[]>();
  for (const person of participants) {
    if (person.isSelf) continue;
    const state = awareness.getStates().get(person.clientIds[0]!) as Record<string, unknown> | undefined;
    const id = state?.[OPEN_FILE_FIELD];
    const path = view.files.find((file) => file.id === id)?.path ?? view.entry;
    byFile.set(path, [...(byFile.get(path) ?? []), { label: person.label, color: person.color, colorLight: person.colorLight }]);
  }
  return byFile;
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
  const view = useWorkspace(doc);
  const { entry } = view;
  const paths = useMemo(() => view.files.map((file) => file.path), [view]);
  const folders = useMemo(() => view.folders.map((folder) => folder.path), [view]);
  // Tabs and the selected file are file ids: a rename (anyone's) only changes what they show.
  const [tabs, setTabs] = useState<string[]>([ENTRY_FILE_ID]);
  const [active, setActive] = useState<string>(ENTRY_FILE_ID);
  const [deleted, setDeleted] = useState<string | null>(null);
  const undoManager = useMemo(() => workspaceUndoManager(doc), [doc]);
  const tabList = useRef<HTMLDivElement>(null);
  useEffect(() => () => undoManager.destroy(), [undoManager]);

  const byId = useMemo(() => new Map(view.files.map((file) => [file.id, file])), [view]);
  // A file that went (deleted by anyone) leaves the tabs; the entry is always there to fall back on.
  const shownTabs = tabs.filter((id) => byId.has(id));
  if (!shownTabs.includes(ENTRY_FILE_ID)) shownTabs.unshift(ENTRY_FILE_ID);
  const shownId = byId.has(active) ? active : ENTRY_FILE_ID;
  const shownFile = byId.get(shownId)!;
  const shown = shownFile.path;
  const pathOf = (id: string) => byId.get(id)!.path;

  useEffect(() => {
    awareness.setLocalStateField(OPEN_FILE_FIELD, shownId);
  }, [awareness, shownId]);
  useEffect(() => () => awareness.setLocalStateField(OPEN_FILE_FIELD, null), [awareness]);

  // Read from the document, not the last render: a file just created is not in `view` yet.
  const open = useCallback(
    (path: string) => {
      const id = readWorkspace(doc).files.find((file) => file.path === path)?.id;
      if (id === undefined) return;
      setTabs((current) => (current.includes(id) ? current : [...current, id]));
      setActive(id);
    },
    [doc],
  );

  const onCreate = (path: string): WorkspaceProblem | undefined => {
    const problem = createFile(doc, path);
    if (!problem) setDeleted(null);
    return problem;
  };
  const onCreateFolder = (path: string): WorkspaceProblem | undefined => {
    const problem = createFolder(doc, path);
    if (!problem) setDeleted(null);
    return problem;
  };
  const onRename = (from: string, to: string): WorkspaceProblem | undefined => {
    const problem = renamePath(doc, from, to);
    if (!problem) setDeleted(null);
    return problem;
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
  const closeTab = (id: string) => {
    if (id === ENTRY_FILE_ID) return;
    const index = shownTabs.indexOf(id);
    setTabs(shownTabs.filter((tab) => tab !== id));
    if (id === shownId) setActive(shownTabs[index - 1] ?? ENTRY_FILE_ID);
  };

  const presence = useMemo(() => presenceByFile(awareness, participants, view), [awareness, participants, view]);
  const text = shownFile.text;
  const language = shownId === ENTRY_FILE_ID ? roomLanguage : (fileLanguage(shown)?.id ?? null);

  const onTabKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = shownTabs.indexOf(shownId);
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % shownTabs.length
        : event.key === 'ArrowLeft'
          ? (index + shownTabs.length - 1) % shownTabs.length
          : null;
    if (event.key === 'Delete') {
      event.preventDefault();
      closeTab(shownId);
      return;
    }
    if (next === null) return;
    event.preventDefault();
    const id = shownTabs[next]!;
    setActive(id);
    tabList.current?.querySelector<HTMLElement>(`[data-file-id="${CSS.escape(id)}"]`)?.focus();
  };

  return (
    <div className={cx(styles.workspace, compact && styles.compact)} data-testid="workspace">
      <aside className={styles.treePane} aria-label="Files">
        <FileTree
          paths={paths}
          folders={folders}
          entry={entry}
          active={shown}
          presence={presence}
          readOnly={readOnly}
          onOpen={open}
          onCreate={onCreate}
          onCreateFolder={onCreateFolder}
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
            {shownTabs.map((id) => {
              const path = pathOf(id);
              const here = presence.get(path) ?? [];
              return (
                <button
                  key={id}
                  type="button"
                  role="tab"
                  id={`file-tab-${id}`}
                  data-path={path}
                  data-file-id={id}
                  aria-selected={id === shownId}
                  aria-controls="workspace-editor-panel"
                  aria-label={`${path}${here.length ? `, ${here.map((person) => person.label).join(' and ')} here` : ''}`}
                  tabIndex={id === shownId ? 0 : -1}
                  className={styles.tab}
                  title={path}
                  onClick={() => setActive(id)}
                >
                  {baseName(path)}
                  <PersonMarks people={here} path={path} />
                </button>
              );
            })}
          </div>
          {shownId !== ENTRY_FILE_ID ? (
            <button
              type="button"
              className={cx(ui.linkButton, styles.close)}
              onClick={() => closeTab(shownId)}
              aria-label={`Close ${shown}`}
            >
              ×
            </button>
          ) : null}
        </div>
        <div id="workspace-editor-panel" role="tabpanel" aria-label={shown} className={styles.editor}>
          {/* Keyed by the file's id: a rename keeps the editor, its focus and selection (a new text, after an undone delete, rebinds it). */}
          <CodeEditor key={shownId} text={text} awareness={awareness} language={language} readOnly={readOnly} />
        </div>
      </div>
    </div>
  );
}
