import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ROLES, ROOM_ACTIONS, decide, type PermissionState, type Role, type RoomAction } from '@pairpad/protocol';

const STATES: Record<string, PermissionState> = {
  open: { locked: false, runDisabled: false, ended: false },
  locked: { locked: true, runDisabled: false, ended: false },
  'run-disabled': { locked: false, runDisabled: true, ended: false },
  'locked+run-disabled': { locked: true, runDisabled: true, ended: false },
  ended: { locked: false, runDisabled: false, ended: true },
  'ended+locked': { locked: true, runDisabled: true, ended: true },
};

/** The policy written out as a table: what `decide` answers for every role, state and action. */
const EXPECTED: Record<Role, Record<RoomAction, (state: PermissionState) => string>> = {
  interviewer: {
    edit: (s) => (s.ended ? 'SESSION_ENDED' : 'OK'),
    run: (s) => (s.ended ? 'SESSION_ENDED' : 'OK'),
    chat: (s) => (s.ended ? 'SESSION_ENDED' : 'OK'),
    lock: (s) => (s.ended ? 'SESSION_ENDED' : 'OK'),
    'disable-run': (s) => (s.ended ? 'SESSION_ENDED' : 'OK'),
    end: (s) => (s.ended ? 'SESSION_ENDED' : 'OK'),
    notes: () => 'OK',
    question: (s) => (s.ended ? 'SESSION_ENDED' : 'OK'),
    files: (s) => (s.ended ? 'SESSION_ENDED' : 'OK'),
  },
  candidate: {
    edit: (s) => (s.ended ? 'SESSION_ENDED' : s.locked ? 'EDITING_LOCKED' : 'OK'),
    run: (s) => (s.ended ? 'SESSION_ENDED' : s.runDisabled ? 'FORBIDDEN' : 'OK'),
    chat: (s) => (s.ended ? 'SESSION_ENDED' : 'OK'),
    lock: () => 'FORBIDDEN',
    'disable-run': () => 'FORBIDDEN',
    end: () => 'FORBIDDEN',
    notes: () => 'FORBIDDEN',
    question: () => 'FORBIDDEN',
    files: (s) => (s.ended ? 'SESSION_ENDED' : s.locked ? 'EDITING_LOCKED' : 'OK'),
  },
};

describe('the permission policy', () => {
  for (const role of ROLES) {
    for (const [label, state] of Object.entries(STATES)) {
      it(`${role} while ${label}`, () => {
        for (const action of ROOM_ACTIONS) {
          const decision = decide(action, role, state);
          assert.equal(decision.allowed ? 'OK' : decision.code, EXPECTED[role][action](state), `${role} ${action} while ${label}`);
          if (!decision.allowed) assert.ok(decision.message.length > 0);
        }
      });
    }
  }

  it('is importable without zod (the page imports it from protocol/wire)', () => {
    for (const file of ['permissions.ts', 'room-shape.ts', 'wire.ts']) {
      const source = readFileSync(fileURLToPath(new URL(`../../../packages/protocol/src/${file}`, import.meta.url)), 'utf8');
      const runtimeImports = source
        .split('\n')
        .filter((line) => /^(import|export) .* from /.test(line) && !/^(import|export) type /.test(line));
      for (const line of runtimeImports) assert.match(line, /from '\.\/(permissions|room-shape)'/, `${file}: ${line}`);
    }
  });
});
