import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  LANGUAGES,
  NOT_INSTALLED_REASON,
  languageOptionLabel,
  languagesFromRuntimes,
  type LanguageAvailability,
} from '@pairpad/protocol/languages';
import { startTestExecutor } from './helpers';

/** The executor's runtimes → the room's languages, as the language pickers show them. */

const byId = (list: LanguageAvailability[]) => new Map(list.map((entry) => [entry.id, entry]));

describe('protocol: languages from runtimes', () => {
  it('lists every room language, in the room order, disabled when no runtime has it', () => {
    const list = languagesFromRuntimes([{ language: 'python', version: '3.11.2', aliases: ['py'] }]);
    assert.deepEqual(
      list.map((entry) => entry.id),
      LANGUAGES.map((language) => language.id),
    );
    assert.deepEqual(list[0], { id: 'python', label: 'Python', available: true, version: '3.11.2' });
    for (const entry of list.slice(1))
      assert.deepEqual(entry, { id: entry.id, label: entry.label, available: false, reason: NOT_INSTALLED_REASON });
  });

  it('matches aliases and picks the highest version, numerically', () => {
    const list = byId(
      languagesFromRuntimes([
        { language: 'cpp-legacy', version: '9.9.9', aliases: ['c++'] },
        { language: 'c++', version: '12.2.0', aliases: ['cpp'], runtime: 'gcc' },
        { language: 'go', version: '1.9.3', aliases: [] },
        { language: 'go', version: '1.19.8', aliases: ['golang'] },
        { language: 'cobol', version: '3.1.2', aliases: [] },
      ]),
    );
    assert.deepEqual(list.get('c++'), { id: 'c++', label: 'C++', available: true, version: '12.2.0' });
    assert.deepEqual(list.get('go'), { id: 'go', label: 'Go', available: true, version: '1.19.8' });
    assert.equal(list.get('c')?.available, false);
  });

  it('offers nothing from an empty list', () => {
    assert.ok(languagesFromRuntimes([]).every((entry) => !entry.available));
  });

  it('labels options with their version or the reason', () => {
    assert.equal(languageOptionLabel({ id: 'python', label: 'Python', available: true, version: '3.11.2' }), 'Python 3.11.2');
    assert.equal(
      languageOptionLabel({ id: 'go', label: 'Go', available: false, reason: NOT_INSTALLED_REASON }),
      'Go (not installed on this server)',
    );
  });

  it("follows the real executor's runtimes, limited by EXECUTOR_RUNTIMES", async () => {
    const executor = await startTestExecutor({ EXECUTOR_RUNTIMES: 'python,bash' });
    try {
      await executor.handle.ready;
      const { status, body } = await executor.get('/api/v2/runtimes');
      assert.equal(status, 200);
      const list = languagesFromRuntimes(body as { language: string; version: string; aliases: string[] }[]);
      assert.deepEqual(
        list.filter((entry) => entry.available).map((entry) => entry.id),
        ['python', 'bash'],
      );
      const python = byId(list).get('python');
      assert.ok(python?.available && /^\d+\.\d+\.\d+$/.test(python.version), `python has a version: ${JSON.stringify(python)}`);
    } finally {
      await executor.close();
    }
  });
});
