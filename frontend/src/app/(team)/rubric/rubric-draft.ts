import { RubricSchema, type RUBRIC_SCORES, type Rubric, type RubricCriterion } from '@pairpad/protocol';

/** A criterion as the editor holds it: every field a string, the id kept from the saved rubric. */
export interface DraftCriterion {
  /** Stable while editing (React key); the saved id for an existing criterion. */
  key: string;
  id: string | null;
  name: string;
  description: string;
  anchors: Record<(typeof RUBRIC_SCORES)[number], string>;
}

let nextKey = 0;
const freshKey = () => `new-${++nextKey}`;

export function toDraft(rubric: Rubric): DraftCriterion[] {
  return rubric.criteria.map((criterion) => ({ key: criterion.id, id: criterion.id, ...pick(criterion) }));
}

function pick({ name, description, anchors }: RubricCriterion): Omit<DraftCriterion, 'key' | 'id'> {
  return { name, description, anchors: { ...anchors } };
}

export function emptyCriterion(): DraftCriterion {
  return { key: freshKey(), id: null, name: '', description: '', anchors: { 1: '', 2: '', 3: '', 4: '' } };
}

/** "Problem solving" → "problem-solving"; unique among `taken` (a suffix when needed). */
export function criterionId(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'criterion';
  let id = base;
  for (let suffix = 2; taken.has(id); suffix += 1) id = `${base}-${suffix}`;
  return id;
}

/**
 * The draft as the rubric the server takes, or the first problem in words naming the criterion and
 * field ("Criterion 2: the anchor for 3 is required"). New criteria get ids from their names.
 */
export function fromDraft(draft: readonly DraftCriterion[]): { rubric: Rubric } | { problem: string } {
  const taken = new Set(draft.flatMap((criterion) => (criterion.id ? [criterion.id] : [])));
  const criteria = draft.map((criterion) => {
    const id = criterion.id ?? criterionId(criterion.name, taken);
    taken.add(id);
    return { id, name: criterion.name, description: criterion.description, anchors: criterion.anchors };
  });
  const parsed = RubricSchema.safeParse({ criteria });
  if (parsed.success) return { rubric: parsed.data };
  const issue = parsed.error.issues[0];
  const [, index, field, score] = issue?.path ?? [];
  const where = typeof index === 'number' ? `Criterion ${index + 1}` : 'The rubric';
  const what = field === 'anchors' && score !== undefined ? `the anchor for ${String(score)}` : typeof field === 'string' ? field : '';
  return { problem: `${where}: ${what ? `${what} — ` : ''}${issue?.message ?? 'is not valid'}.` };
}
