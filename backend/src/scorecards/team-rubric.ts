import type { Kysely } from 'kysely';
import { DEFAULT_RUBRIC, RubricSchema, type Rubric } from '@pairpad/protocol';
import type { Database } from '../store';

/** The `settings` row of the team's default rubric (JSON `Rubric`); absent: `DEFAULT_RUBRIC`. */
export const TEAM_RUBRIC_SETTING = 'team_rubric';

/** The team's default rubric: what an interview without a question (or a rubric) is scored on. */
export class TeamRubricStore {
  constructor(private readonly db: Kysely<Database>) {}

  async get(): Promise<{ rubric: Rubric; isDefault: boolean }> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', TEAM_RUBRIC_SETTING).executeTakeFirst();
    const parsed = row ? RubricSchema.safeParse(safeJson(row.value)) : undefined;
    return parsed?.success ? { rubric: parsed.data, isDefault: false } : { rubric: DEFAULT_RUBRIC, isDefault: true };
  }

  /** Interviews whose rubric is frozen keep theirs; the next ones use this. */
  async set(rubric: Rubric): Promise<void> {
    const value = JSON.stringify(rubric);
    await this.db
      .insertInto('settings')
      .values({ key: TEAM_RUBRIC_SETTING, value })
      .onConflict((conflict) => conflict.column('key').doUpdateSet({ value }))
      .execute();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
