'use client';

import { useState } from 'react';
import { FormError } from '@/components/form-error';
import { ModalDialog } from '@/components/modal-dialog';
import { eraseCandidate, type CandidateKey } from '@/lib/interviews-api';
import type { ApiAuth } from '@/lib/members-api';
import { errorText } from '../error-text';
import { MemberGate } from '../member-gate';
import shared from '../team.module.css';
import page from '../team-page.module.css';
import styles from './privacy.module.css';

export function PrivacyScreen() {
  return (
    <MemberGate returnTo="/privacy" adminOnly>
      {(_member, api) => <CandidateData api={api} />}
    </MemberGate>
  );
}

type By = 'email' | 'name';
type Step =
  | { kind: 'asking' }
  | { kind: 'counting' }
  | { kind: 'found'; candidate: CandidateKey; words: string; matched: number }
  | { kind: 'erasing'; candidate: CandidateKey; words: string; matched: number }
  | { kind: 'erased'; words: string; deleted: number };

const interviews = (count: number) => `${count} interview${count === 1 ? '' : 's'}`;

/**
 * An admin answers a candidate's request to be forgotten: find their interviews by email or exact
 * name, see how many there are, then erase them (code, chat, notes, runs, playback, scorecards).
 * The erasure itself is audited; the candidate's details are kept only in that audit entry.
 */
function CandidateData({ api }: { api: ApiAuth }) {
  const [by, setBy] = useState<By>('email');
  const [value, setValue] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'asking' });
  const [problem, setProblem] = useState<string | null>(null);

  const find = async () => {
    const text = value.trim();
    if (!text)
      return setProblem(by === 'email' ? 'Enter the candidate’s email.' : 'Enter the candidate’s name, exactly as in the interview.');
    const candidate: CandidateKey = by === 'email' ? { email: text } : { name: text };
    const words = by === 'email' ? `with the email ${text}` : `named “${text}”`;
    setProblem(null);
    setStep({ kind: 'counting' });
    try {
      const { matched } = await eraseCandidate(api, candidate, true);
      setStep({ kind: 'found', candidate, words, matched });
    } catch (failure) {
      setStep({ kind: 'asking' });
      setProblem(errorText(failure));
    }
  };

  const erase = async (candidate: CandidateKey, words: string, matched: number) => {
    setStep({ kind: 'erasing', candidate, words, matched });
    try {
      const { deleted } = await eraseCandidate(api, candidate, false);
      setStep({ kind: 'erased', words, deleted });
    } catch (failure) {
      setStep({ kind: 'found', candidate, words, matched });
      setProblem(errorText(failure));
    }
  };

  const confirming = step.kind === 'found' || step.kind === 'erasing' ? step : null;
  return (
    <main className={page.main}>
      <h1>Candidate data</h1>
      <p className={shared.hint}>
        When a candidate asks to be forgotten, erase every interview they took part in: its code, chat, notes, runs, playback, report and
        scorecards. The erasure is recorded in the audit log. Ended interviews are also removed after the retention period (
        <code>RETENTION_DAYS</code>) when one is set.
      </p>
      <section className={page.section} aria-labelledby="erase-heading">
        <h2 id="erase-heading">Erase a candidate</h2>
        <form
          className={styles.form}
          noValidate
          aria-busy={step.kind === 'counting'}
          onSubmit={(event) => {
            event.preventDefault();
            void find();
          }}
        >
          <fieldset className={styles.by}>
            <legend>Find their interviews by</legend>
            {(['email', 'name'] as const).map((choice) => (
              <label key={choice}>
                <input type="radio" name="by" value={choice} checked={by === choice} onChange={() => setBy(choice)} />{' '}
                {choice === 'email' ? 'Email' : 'Exact name'}
              </label>
            ))}
          </fieldset>
          <div className={page.field}>
            <label htmlFor="candidate-key">{by === 'email' ? 'Candidate’s email' : 'Candidate’s name'}</label>
            <input
              id="candidate-key"
              type={by === 'email' ? 'email' : 'text'}
              autoComplete="off"
              value={value}
              onChange={(event) => {
                setValue(event.target.value);
                if (step.kind === 'erased') setStep({ kind: 'asking' });
              }}
            />
          </div>
          <button type="submit" className={shared.button} disabled={step.kind === 'counting'}>
            {step.kind === 'counting' ? 'Finding…' : 'Find interviews'}
          </button>
        </form>
        <FormError message={problem} />
        <p role="status" className={styles.result}>
          {step.kind === 'erased'
            ? `Erased ${interviews(step.deleted)} of the candidate ${step.words}.`
            : step.kind === 'found' && step.matched === 0
              ? `No kept interview has a candidate ${step.words}.`
              : ''}
        </p>
      </section>
      {confirming && confirming.matched > 0 ? (
        <ModalDialog label="Erase this candidate’s interviews?" onClose={() => setStep({ kind: 'asking' })}>
          <p>
            {interviews(confirming.matched)} with a candidate {confirming.words} will be erased with their code, chat, notes, runs,
            playback, reports and scorecards. This cannot be undone.
          </p>
          <div className={shared.actions}>
            <button
              type="button"
              className={`${shared.button} ${shared.danger}`}
              disabled={confirming.kind === 'erasing'}
              onClick={() => void erase(confirming.candidate, confirming.words, confirming.matched)}
            >
              {confirming.kind === 'erasing' ? 'Erasing…' : `Erase ${interviews(confirming.matched)}`}
            </button>
            <button type="button" className={shared.button} onClick={() => setStep({ kind: 'asking' })} autoFocus>
              Cancel
            </button>
          </div>
        </ModalDialog>
      ) : null}
    </main>
  );
}
