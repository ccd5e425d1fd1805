'use client';

import { useEffect, useState } from 'react';
import type { ScorecardListResponse } from '@pairpad/protocol';
import { getMe } from '@/lib/auth-api';
import { cx } from '@/lib/cx';
import { useResolveApiUrl } from '@/lib/config-context';
import { REPORT_CLASS } from '@/lib/report-document';
import { listScorecards } from '@/lib/scorecards-api';
import { ScorecardList } from './scorecard-list';
import ui from './ui.module.css';

type Loaded = { state: 'loading' } | { state: 'message'; text: string } | { state: 'ready'; list: ScorecardListResponse };

/**
 * The report's scorecards and their summary, as the signed-in member may see them (the server
 * applies the independent-judgement rule). A guest interviewer link sees none: scorecards are
 * the team's.
 */
export function ReportScorecards({ sessionId }: { sessionId: string }) {
  const resolveApiUrl = useResolveApiUrl();
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    const apiUrl = resolveApiUrl();
    (async () => {
      const me = await getMe(apiUrl, controller.signal);
      if (!me.member) return setLoaded({ state: 'message', text: 'Scorecards are shown to signed-in members of the team.' });
      const list = await listScorecards({ apiUrl, csrfToken: me.csrfToken }, sessionId, controller.signal);
      setLoaded({ state: 'ready', list });
    })().catch((error: unknown) => {
      if (!controller.signal.aborted) setLoaded({ state: 'message', text: error instanceof Error ? error.message : String(error) });
    });
    return () => controller.abort();
  }, [resolveApiUrl, sessionId]);

  return (
    <section aria-label="Scorecards" data-testid="report-scorecards">
      <h2>Scorecards</h2>
      {loaded.state === 'ready' ? (
        loaded.list.visibility === 'none' ? (
          <p className={cx(ui.muted, REPORT_CLASS.muted)}>Only the interviewers of this interview and admins see its scorecards.</p>
        ) : (
          <ScorecardList list={loaded.list} />
        )
      ) : (
        <p className={cx(ui.muted, REPORT_CLASS.muted)}>{loaded.state === 'loading' ? 'Loading scorecards…' : loaded.text}</p>
      )}
    </section>
  );
}
