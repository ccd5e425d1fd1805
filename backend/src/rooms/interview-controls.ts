import { AppError, type InterviewState, type Role } from '../protocol';

/**
 * Lock, run-disable and end for one room: who may change them, and what each forbids. The room
 * enforces these on every message; the UI hiding a button is never the check.
 */
export class InterviewControls {
  private state: InterviewState;

  constructor(initial: { ended: boolean; endedAt?: number | null }) {
    this.state = { locked: false, runDisabled: false, ended: initial.ended, endedAt: initial.endedAt ?? null };
  }

  get current(): InterviewState {
    return { ...this.state };
  }

  get ended(): boolean {
    return this.state.ended;
  }

  /** Throws FORBIDDEN unless `role` may change the controls, and SESSION_ENDED once it is over. */
  assertCanControl(role: Role, what: string): void {
    if (role !== 'interviewer') throw new AppError('FORBIDDEN', `Only the interviewer can ${what}.`);
    if (this.state.ended) throw new AppError('SESSION_ENDED', 'This interview has ended; nothing can be changed.');
  }

  /** Throws SESSION_ENDED or EDITING_LOCKED when `role` may not change the shared document now. */
  assertCanEdit(role: Role): void {
    if (this.state.ended) throw new AppError('SESSION_ENDED', 'This interview has ended; the code is read-only.');
    if (this.state.locked && role === 'candidate') throw new AppError('EDITING_LOCKED', 'The interviewer has locked editing.');
  }

  /** Throws SESSION_ENDED or FORBIDDEN when `role` may not start a run now. */
  assertCanRun(role: Role): void {
    if (this.state.ended) throw new AppError('SESSION_ENDED', 'This interview has ended; code can no longer be run.');
    if (this.state.runDisabled && role === 'candidate') throw new AppError('FORBIDDEN', 'The interviewer has turned Run off for candidates.');
  }

  /** Returns true when the state changed. */
  setLocked(locked: boolean): boolean {
    if (this.state.locked === locked) return false;
    this.state = { ...this.state, locked };
    return true;
  }

  setRunDisabled(runDisabled: boolean): boolean {
    if (this.state.runDisabled === runDisabled) return false;
    this.state = { ...this.state, runDisabled };
    return true;
  }

  end(at: number): boolean {
    if (this.state.ended) return false;
    this.state = { ...this.state, ended: true, endedAt: at };
    return true;
  }
}
