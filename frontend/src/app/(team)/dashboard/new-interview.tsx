'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { CreateSessionResponse } from '@pairpad/protocol';
import { CreateSessionForm } from '@/components/create-session-form';
import { ModalDialog } from '@/components/modal-dialog';
import type { ApiAuth } from '@/lib/members-api';
import type { Member } from '@/lib/team-shapes';
import { LanguagesProvider } from '@/lib/use-languages';
import { CopyField } from '../copy-field';
import shared from '../team.module.css';
import styles from './dashboard.module.css';

interface Created {
  session: CreateSessionResponse;
  name: string;
}

/** "New interview": the create form in a dialog, then the two links to hand out and the way into the room. */
export function NewInterview({ member, api, onCreated }: { member: Member; api: ApiAuth; onCreated(): void }) {
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const close = () => {
    setOpen(false);
    setCreated(null);
  };
  return (
    <>
      <button type="button" className={`${shared.button} ${shared.primary}`} onClick={() => setOpen(true)}>
        New interview
      </button>
      {open ? (
        <ModalDialog label={created ? 'Interview created' : 'New interview'} onClose={close}>
          {created ? (
            <CreatedLinks created={created} />
          ) : (
            <LanguagesProvider>
              <CreateSessionForm
                defaultName={member.name}
                csrfToken={api.csrfToken}
                onCreated={(session, name) => {
                  setCreated({ session, name });
                  onCreated();
                }}
              />
            </LanguagesProvider>
          )}
        </ModalDialog>
      ) : null}
    </>
  );
}

function CreatedLinks({ created: { session, name } }: { created: Created }) {
  const room = `/interview/${session.id}?${new URLSearchParams({ name }).toString()}`;
  return (
    <div className={styles.created}>
      <h3>{session.title?.trim() || 'Untitled interview'}</h3>
      <CopyField id="created-candidate-link" label="Candidate link" value={session.links.candidate} />
      <CopyField id="created-interviewer-link" label="Interviewer link" value={session.links.interviewer} />
      <p className={styles.privateHint}>
        Private: the interviewer link is for a co-interviewer without an account. Never send it to the candidate.
      </p>
      <div className={shared.actions}>
        <Link href={room} className={`${shared.button} ${shared.primary}`}>
          Open the room
        </Link>
      </div>
    </div>
  );
}
