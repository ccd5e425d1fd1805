'use client';

import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { WorkspaceProblem } from '@pairpad/protocol/workspace';
import { cx } from '@/lib/cx';
import { parentPath, treeRows, type TreeRow } from './file-tree-model';
import { PersonMarks } from './person-marks';
import styles from './file-tree.module.css';
import ui from '../ui.module.css';

/** Someone else with a file open: their name as the room shows it and their colour. */
export interface FilePresence {
  label: string;
  color: string;
  colorLight: string;
}

export interface FileTreeProps {
  paths: readonly string[];
  /** Folders made on their own (shown even while empty). */
  folders: readonly string[];
  entry: string;
  active: string;
  /** Who else has each file open, by path. */
  presence: ReadonlyMap<string, readonly FilePresence[]>;
  readOnly: boolean;
  onOpen(path: string): void;
  onCreate(path: string): WorkspaceProblem | undefined;
  onCreateFolder(path: string): WorkspaceProblem | undefined;
  onRename(from: string, to: string): WorkspaceProblem | undefined;
  onDelete(path: string): WorkspaceProblem | undefined;
  /** Undoes the last file operation; false when there was none. */
  onUndo(): boolean;
  /** Asked from outside (the editor's "Add file"): opens the new-file field once. */
  createRequest: number;
}

type Form = { kind: 'create' | 'folder'; folder: string } | { kind: 'rename'; path: string } | null;

/**
 * The workspace's files as a WAI-ARIA tree: arrows move (Right/Left open and close folders),
 * Enter opens a file, F2 renames (a path with folders moves it), Delete deletes, Ctrl+Z undoes the
 * last file operation. Folders are the paths' folders and the ones made with "New folder"; a new
 * file's path may name new ones.
 */
export function FileTree(props: FileTreeProps) {
  const { paths, folders, entry, active, presence, readOnly, createRequest } = props;
  const ids = useId();
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [focused, setFocused] = useState<string>(active);
  const [form, setForm] = useState<Form>(null);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const rowRefs = useRef(new Map<string, HTMLLIElement>());
  const rows = useMemo(() => treeRows(paths, collapsed, folders), [paths, collapsed, folders]);
  const focusedRow = rows.find((row) => row.path === focused) ?? rows.find((row) => row.path === active) ?? rows[0];

  useEffect(() => {
    if (createRequest > 0 && !readOnly) openForm({ kind: 'create', folder: '' });
    // Only a new request opens the field.
  }, [createRequest]);

  function openForm(next: Form) {
    setForm(next);
    setProblem(null);
    setDraft(next?.kind === 'rename' ? next.path : next?.folder ? `${next.folder}/` : '');
  }

  const focusRow = (path: string) => {
    setFocused(path);
    rowRefs.current.get(path)?.focus();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!form) return;
    const path = form.kind === 'folder' ? draft.trim().replace(/\/+$/, '') : draft.trim();
    const failed =
      form.kind === 'rename' ? props.onRename(form.path, path) : form.kind === 'folder' ? props.onCreateFolder(path) : props.onCreate(path);
    if (failed) {
      setProblem(failed.message);
      return;
    }
    setForm(null);
    setFocused(path);
    if (form.kind === 'create') props.onOpen(path);
  };

  const toggle = (row: TreeRow, open = !row.expanded) => {
    const next = new Set(collapsed);
    if (open) next.delete(row.path);
    else next.add(row.path);
    setCollapsed(next);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (!focusedRow) return;
    const index = rows.indexOf(focusedRow);
    const key = event.key;
    if ((event.ctrlKey || event.metaKey) && key.toLowerCase() === 'z') {
      event.preventDefault();
      if (!readOnly) props.onUndo();
      return;
    }
    const move = (to: number) => {
      const row = rows[Math.max(0, Math.min(rows.length - 1, to))];
      if (row) focusRow(row.path);
    };
    if (key === 'ArrowDown') move(index + 1);
    else if (key === 'ArrowUp') move(index - 1);
    else if (key === 'Home') move(0);
    else if (key === 'End') move(rows.length - 1);
    else if (key === 'ArrowRight' && focusedRow.kind === 'folder') {
      if (focusedRow.expanded) move(index + 1);
      else toggle(focusedRow, true);
    } else if (key === 'ArrowLeft') {
      if (focusedRow.kind === 'folder' && focusedRow.expanded) toggle(focusedRow, false);
      else if (parentPath(focusedRow.path)) focusRow(parentPath(focusedRow.path));
    } else if (key === 'Enter' || key === ' ') {
      if (focusedRow.kind === 'file') props.onOpen(focusedRow.path);
      else toggle(focusedRow);
    } else if (key === 'F2' && !readOnly) openForm({ kind: 'rename', path: focusedRow.path });
    else if (key === 'Delete' && !readOnly && focusedRow.path !== entry) props.onDelete(focusedRow.path);
    else return;
    event.preventDefault();
  };

  const selected = focusedRow?.path ?? active;
  const selectedIsEntry = selected === entry;
  const folderOfSelected = focusedRow?.kind === 'folder' ? focusedRow.path : parentPath(selected);
  const formLabel =
    form?.kind === 'rename' ? `Rename or move ${form.path} to` : form?.kind === 'folder' ? 'New folder path' : 'New file path';

  return (
    <div className={styles.tree}>
      <div className={styles.toolbar} role="toolbar" aria-label="Files">
        <button
          type="button"
          className={cx(ui.button, styles.tool)}
          disabled={readOnly}
          onClick={() => openForm({ kind: 'create', folder: folderOfSelected })}
        >
          New file
        </button>
        <button
          type="button"
          className={cx(ui.button, styles.tool)}
          disabled={readOnly}
          onClick={() => openForm({ kind: 'folder', folder: folderOfSelected })}
        >
          New folder
        </button>
        <button
          type="button"
          className={cx(ui.button, styles.tool)}
          disabled={readOnly || !focusedRow}
          onClick={() => focusedRow && openForm({ kind: 'rename', path: focusedRow.path })}
          aria-label={`Rename ${selected}`}
        >
          Rename
        </button>
        <button
          type="button"
          className={cx(ui.button, styles.tool)}
          disabled={readOnly || !focusedRow || selectedIsEntry}
          onClick={() => focusedRow && props.onDelete(focusedRow.path)}
          aria-label={`Delete ${selected}`}
          title={selectedIsEntry ? 'The entry file (the one a run starts from) cannot be deleted' : undefined}
        >
          Delete
        </button>
      </div>
      {form ? (
        <form className={styles.form} onSubmit={submit}>
          <label htmlFor={`${ids}-path`} className={styles.formLabel}>
            {formLabel}
          </label>
          <input
            id={`${ids}-path`}
            className={styles.input}
            value={draft}
            placeholder={form.kind === 'folder' ? 'src/lib' : 'src/util.py'}
            autoFocus
            spellCheck={false}
            autoComplete="off"
            aria-invalid={problem !== null}
            aria-describedby={problem ? `${ids}-problem` : undefined}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.preventDefault();
                setForm(null);
              }
            }}
          />
          <div className={styles.formActions}>
            <button type="submit" className={cx(ui.button, ui.primary, styles.tool)}>
              {form.kind === 'rename' ? 'Rename' : 'Create'}
            </button>
            <button type="button" className={cx(ui.button, styles.tool)} onClick={() => setForm(null)}>
              Cancel
            </button>
          </div>
          {problem ? (
            <p id={`${ids}-problem`} role="alert" className={styles.problem}>
              {problem}
            </p>
          ) : null}
        </form>
      ) : null}
      <ul role="tree" aria-label="Workspace files" className={styles.rows} onKeyDown={onKeyDown}>
        {rows.map((row) => {
          const here = row.kind === 'file' ? (presence.get(row.path) ?? []) : [];
          const isActive = row.kind === 'file' && row.path === active;
          return (
            <li
              key={`${row.kind}:${row.path}`}
              ref={(element) => {
                if (element) rowRefs.current.set(row.path, element);
                else rowRefs.current.delete(row.path);
              }}
              role="treeitem"
              aria-level={row.level}
              aria-selected={isActive}
              aria-expanded={row.kind === 'folder' ? row.expanded : undefined}
              tabIndex={row.path === focusedRow?.path ? 0 : -1}
              className={cx(styles.row, isActive && styles.active)}
              style={{ paddingInlineStart: `${row.level * 12}px` }}
              data-path={row.path}
              onFocus={() => setFocused(row.path)}
              onClick={() => {
                setFocused(row.path);
                if (row.kind === 'file') props.onOpen(row.path);
                else toggle(row);
              }}
            >
              <span aria-hidden="true" className={styles.icon}>
                {row.kind === 'folder' ? (row.expanded ? '▾' : '▸') : '·'}
              </span>
              <span className={styles.name}>{row.name}</span>
              {row.path === entry ? <span className={styles.badge}> entry</span> : null}
              {here.length ? <span className={ui.visuallyHidden}>, {here.map((person) => person.label).join(' and ')} here</span> : null}
              <PersonMarks people={here} path={row.path} />
            </li>
          );
        })}
      </ul>
      <ul className={styles.whereabouts} aria-label="Who is in which file">
        {[...presence.entries()].flatMap(([path, people]) =>
          people.map((person) => (
            <li key={`${person.label}:${path}`}>
              <span aria-hidden="true" className={styles.dot} style={{ background: person.color }} />
              {person.label} is in {path}
            </li>
          )),
        )}
      </ul>
    </div>
  );
}
