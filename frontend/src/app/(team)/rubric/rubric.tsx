'use client';

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { DEFAULT_RUBRIC, RUBRIC_SCORES, SCORECARD_LIMITS, type TeamRubricResponse } from '@pairpad/protocol';
import { FormError } from '@/components/form-error';
import type { ApiAuth } from '@/lib/members-api';
import { getTeamRubric, saveTeamRubric } from '@/lib/rubric-api';
import type { Member } from '@/lib/team-shapes';
import { errorText } from '../error-text';
import { MemberGate } from '../member-gate';
import { useLoaded } from '../team-list';
import shared from '../team.module.css';
import page from '../team-page.module.css';
import { emptyCriterion, fromDraft, toDraft, type DraftCriterion } from './rubric-draft';
import styles from './rubric.module.css';
import ui from '../../../components/ui.module.css';

export function RubricScreen() {
  return <MemberGate returnTo="/rubric">{(member, api) => <TeamRubric member={member} api={api} />}</MemberGate>;
}

/** The team's default rubric: every member reads it, an admin edits it. */
function TeamRubric({ member, api }: { member: Member; api: ApiAuth }) {
  const load = useCallback((signal: AbortSignal) => getTeamRubric(api, signal), [api]);
  const [loaded, reload] = useLoaded(load);
  return (
    <main className={page.main}>
      <h1>Rubric</h1>
      <p className={shared.hint}>
        Interviews are scored on their question&rsquo;s rubric, or on this one when the question has none. Changing it does not change the
        rubric of an interview someone has already started scoring.
      </p>
      {loaded.state === 'loading' ? (
        <p className={shared.hint} aria-busy="true">
          Loading the rubric…
        </p>
      ) : loaded.state === 'error' ? (
        <div role="alert">
          <FormError message={`Could not load the rubric: ${loaded.message}`} />
          <button type="button" className={shared.button} onClick={reload}>
            Try again
          </button>
        </div>
      ) : member.role === 'admin' ? (
        <RubricEditor api={api} initial={loaded.value} />
      ) : (
        <RubricReadOnly team={loaded.value} />
      )}
    </main>
  );
}

function RubricReadOnly({ team }: { team: TeamRubricResponse }) {
  return (
    <section className={page.section} aria-labelledby="rubric-heading">
      <h2 id="rubric-heading">{team.isDefault ? 'The built-in rubric' : 'The team’s rubric'}</h2>
      <p className={page.note}>Only an admin can change it.</p>
      <ol className={styles.criteria}>
        {team.rubric.criteria.map((criterion) => (
          <li key={criterion.id} className={styles.criterion}>
            <h3>{criterion.name}</h3>
            {criterion.description ? <p className={page.note}>{criterion.description}</p> : null}
            <dl className={styles.anchorList}>
              {RUBRIC_SCORES.map((score) => (
                <div key={score}>
                  <dt>{score}</dt>
                  <dd>{criterion.anchors[score]}</dd>
                </div>
              ))}
            </dl>
          </li>
        ))}
      </ol>
    </section>
  );
}

type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'failed'; message: string };

function RubricEditor({ api, initial }: { api: ApiAuth; initial: TeamRubricResponse }) {
  const [draft, setDraft] = useState(() => toDraft(initial.rubric));
  const [isDefault, setIsDefault] = useState(initial.isDefault);
  const [dirty, setDirty] = useState(false);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });

  // Leaving with unsaved changes asks first, as an editor would.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const change = (next: DraftCriterion[]) => {
    setDraft(next);
    setDirty(true);
    if (save.kind !== 'saving') setSave({ kind: 'idle' });
  };
  const update = (index: number, patch: Partial<DraftCriterion>) =>
    change(draft.map((criterion, at) => (at === index ? { ...criterion, ...patch } : criterion)));
  const move = (index: number, by: -1 | 1) => {
    const next = [...draft];
    const [moved] = next.splice(index, 1);
    if (moved) next.splice(index + by, 0, moved);
    change(next);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = fromDraft(draft);
    if ('problem' in checked) return setSave({ kind: 'failed', message: checked.problem });
    setSave({ kind: 'saving' });
    try {
      const saved = await saveTeamRubric(api, checked.rubric);
      setDraft(toDraft(saved.rubric));
      setIsDefault(saved.isDefault);
      setDirty(false);
      setSave({ kind: 'saved' });
    } catch (failure) {
      setSave({ kind: 'failed', message: errorText(failure) });
    }
  };

  const full = draft.length >= SCORECARD_LIMITS.criteria;
  return (
    <form className={page.section} aria-labelledby="rubric-heading" onSubmit={submit} noValidate aria-busy={save.kind === 'saving'}>
      <h2 id="rubric-heading">{isDefault && !dirty ? 'The built-in rubric' : 'The team’s rubric'}</h2>
      <p className={page.note}>Each criterion is scored 1 to 4; the anchors say what each score means, so interviewers score alike.</p>
      <ol className={styles.criteria}>
        {draft.map((criterion, index) => (
          <CriterionFields
            key={criterion.key}
            criterion={criterion}
            position={index + 1}
            count={draft.length}
            onChange={(patch) => update(index, patch)}
            onMove={(by) => move(index, by)}
            onRemove={() => change(draft.filter((_, at) => at !== index))}
          />
        ))}
      </ol>
      <div className={styles.actions}>
        <button type="button" className={shared.button} onClick={() => change([...draft, emptyCriterion()])} disabled={full}>
          Add criterion
        </button>
        <button type="button" className={shared.button} onClick={() => change(toDraft(DEFAULT_RUBRIC))}>
          Start from the built-in rubric
        </button>
        <span className={styles.spacer} />
        <span className={styles.status} role="status" aria-live="polite">
          {save.kind === 'saving' ? 'Saving…' : save.kind === 'saved' ? 'Saved' : dirty ? 'Unsaved changes' : ''}
        </span>
        <button type="submit" className={`${shared.button} ${shared.primary}`} disabled={save.kind === 'saving' || !dirty}>
          Save rubric
        </button>
      </div>
      {full ? <p className={page.note}>A rubric has at most {SCORECARD_LIMITS.criteria} criteria.</p> : null}
      <FormError message={save.kind === 'failed' ? save.message : null} />
    </form>
  );
}

interface CriterionFieldsProps {
  criterion: DraftCriterion;
  position: number;
  count: number;
  onChange(patch: Partial<DraftCriterion>): void;
  onMove(by: -1 | 1): void;
  onRemove(): void;
}

function CriterionFields({ criterion, position, count, onChange, onMove, onRemove }: CriterionFieldsProps) {
  const prefix = `criterion-${criterion.key}`;
  const label = criterion.name.trim() || `Criterion ${position}`;
  return (
    <li className={styles.criterion}>
      <div className={styles.criterionHead}>
        <div className={page.field}>
          <label htmlFor={`${prefix}-name`}>Criterion {position}</label>
          <input
            id={`${prefix}-name`}
            value={criterion.name}
            maxLength={SCORECARD_LIMITS.criterionNameChars}
            onChange={(event) => onChange({ name: event.target.value })}
          />
        </div>
        <div className={styles.rowButtons}>
          <button
            type="button"
            className={shared.button}
            onClick={() => onMove(-1)}
            disabled={position === 1}
            aria-label={`Move ${label} up`}
          >
            ↑
          </button>
          <button
            type="button"
            className={shared.button}
            onClick={() => onMove(1)}
            disabled={position === count}
            aria-label={`Move ${label} down`}
          >
            ↓
          </button>
          <button type="button" className={shared.button} onClick={onRemove} disabled={count === 1} aria-label={`Remove ${label}`}>
            Remove
          </button>
        </div>
      </div>
      <div className={page.field}>
        <label htmlFor={`${prefix}-description`}>Description of {label}</label>
        <textarea
          id={`${prefix}-description`}
          rows={2}
          value={criterion.description}
          maxLength={SCORECARD_LIMITS.criterionDescriptionChars}
          onChange={(event) => onChange({ description: event.target.value })}
        />
      </div>
      <fieldset className={styles.anchors}>
        <legend>What each score means</legend>
        {RUBRIC_SCORES.map((score) => (
          <div key={score} className={styles.anchor}>
            <label htmlFor={`${prefix}-anchor-${score}`}>
              {score}
              <span className={ui.visuallyHidden}> for {label}</span>
            </label>
            <input
              id={`${prefix}-anchor-${score}`}
              value={criterion.anchors[score]}
              maxLength={SCORECARD_LIMITS.anchorChars}
              onChange={(event) => onChange({ anchors: { ...criterion.anchors, [score]: event.target.value } })}
            />
          </div>
        ))}
      </fieldset>
    </li>
  );
}
