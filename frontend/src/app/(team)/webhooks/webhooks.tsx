'use client';

import { useCallback, useState } from 'react';
import { WEBHOOK_EVENT_TYPES, type WebhookEndpoint, type WebhookEventType } from '@pairpad/protocol';
import type { ApiAuth } from '@/lib/members-api';
import { cx } from '@/lib/cx';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, pingWebhook, replayDelivery, updateWebhook } from '@/lib/webhooks-api';
import { FormError } from '@/components/form-error';
import { MemberGate } from '../member-gate';
import { FormInput, FormSection, LoadedList, SecretOnce, useCreateForm, useLoaded, useRowAction } from '../team-list';
import shared from '../team.module.css';
import page from '../team-page.module.css';
import styles from './webhooks.module.css';

const EVENT_WORDS: Record<WebhookEventType, string> = {
  'interview.created': 'Interview created',
  'interview.started': 'Interview started',
  'interview.ended': 'Interview ended',
  'scorecard.submitted': 'Scorecard submitted',
};

export function WebhooksScreen() {
  return (
    <MemberGate returnTo="/webhooks" adminOnly>
      {(_member, api) => <Webhooks api={api} />}
    </MemberGate>
  );
}

/** The admin's page: register endpoints, see each delivery with its attempts and answers, replay, test. */
function Webhooks({ api }: { api: ApiAuth }) {
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  // One count reloads the endpoints and the open deliveries (a test ping adds one).
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads((count) => count + 1), []);
  const load = useCallback((signal: AbortSignal) => listWebhooks(api, signal), [api]);
  const [endpoints] = useLoaded(load, reloads);
  const { problem, act } = useRowAction(reload);

  const current = endpoints.state === 'ready' ? endpoints.value.find((endpoint) => endpoint.id === selected) : undefined;

  return (
    <main className={page.main}>
      <h1>Webhooks</h1>
      <p className={shared.hint}>
        PairPad POSTs a signed JSON event to each endpoint when an interview is created, starts or ends, or a scorecard is submitted; failed
        deliveries are retried for 24 hours. How to verify the signature: docs/integrations.md.
      </p>
      <CreateSection
        api={api}
        onCreated={(url, secret) => {
          setCreated({ url, secret });
          reload();
        }}
      />
      {created ? (
        <SecretOnce
          heading="Signing secret"
          fieldId="webhook-secret"
          label="Signing secret"
          secret={created.secret}
          note={<p className={page.note}>For {created.url}. It is shown this once: keep it where the receiver can read it.</p>}
        />
      ) : null}
      <section className={page.section} aria-labelledby="endpoints-heading">
        <h2 id="endpoints-heading">Endpoints</h2>
        <FormError message={problem} />
        <LoadedList loaded={endpoints} noun="webhooks" onRetry={reload} empty="No endpoint yet.">
          {(list) => (
            <ul className={styles.endpoints} aria-label="Webhook endpoints">
              {list.map((endpoint) => (
                <li key={endpoint.id} className={cx(styles.endpoint, endpoint.id === selected && styles.selected)}>
                  <div className={styles.endpointHead}>
                    <span className={styles.url}>{endpoint.url}</span>
                    <span className={endpoint.enabled ? styles.on : styles.off}>{endpoint.enabled ? 'Enabled' : 'Disabled'}</span>
                  </div>
                  {endpoint.description ? <p className={page.note}>{endpoint.description}</p> : null}
                  <p className={page.note}>
                    {endpoint.events.map((event) => EVENT_WORDS[event]).join(', ')} · secret {endpoint.secretHint}
                    {endpoint.allowPrivate ? ' · private address allowed' : ''}
                  </p>
                  <div className={styles.actions}>
                    <button
                      type="button"
                      className={shared.button}
                      onClick={() => setSelected(endpoint.id === selected ? null : endpoint.id)}
                    >
                      {endpoint.id === selected ? 'Hide deliveries' : 'Deliveries'}
                    </button>
                    <button type="button" className={shared.button} onClick={() => act(() => pingWebhook(api, endpoint.id))}>
                      Send test
                    </button>
                    <button
                      type="button"
                      className={shared.button}
                      onClick={() => act(() => updateWebhook(api, endpoint.id, { enabled: !endpoint.enabled }))}
                    >
                      {endpoint.enabled ? 'Disable' : 'Enable'}
                    </button>
                    <button
                      type="button"
                      className={shared.button}
                      aria-label={`Delete ${endpoint.url}`}
                      onClick={() => {
                        if (window.confirm(`Delete the webhook to ${endpoint.url} and its deliveries?`))
                          void act(async () => {
                            await deleteWebhook(api, endpoint.id);
                            if (selected === endpoint.id) setSelected(null);
                          });
                      }}
                    >
                      Delete
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </LoadedList>
      </section>
      {current ? <DeliveriesSection key={current.id} api={api} endpoint={current} reloads={reloads} /> : null}
    </main>
  );
}

function CreateSection({ api, onCreated }: { api: ApiAuth; onCreated(url: string, secret: string): void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>(['interview.ended', 'scorecard.submitted']);
  const [allowPrivate, setAllowPrivate] = useState(false);
  const toggle = (event: WebhookEventType, on: boolean) =>
    setEvents((current) =>
      on ? WEBHOOK_EVENT_TYPES.filter((type) => type === event || current.includes(type)) : current.filter((type) => type !== event),
    );
  const form = useCreateForm(
    () => (!url.trim() ? 'Enter the URL that should receive the events.' : events.length === 0 ? 'Pick at least one event.' : null),
    async () => {
      const answer = await createWebhook(api, { url: url.trim(), description: description.trim(), events, enabled: true, allowPrivate });
      onCreated(answer.endpoint.url, answer.secret);
      setUrl('');
      setDescription('');
    },
  );
  return (
    <FormSection heading="Add an endpoint" form={form} formClassName={styles.form} submitLabel="Add endpoint" pendingLabel="Adding…">
      <FormInput label="URL" type="url" placeholder="https://hooks.example.com/pairpad" autoComplete="off" value={url} onChange={setUrl} />
      <FormInput label="Description (optional)" value={description} onChange={setDescription} />
      <fieldset className={styles.events}>
        <legend>Events</legend>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <label key={type} className={styles.check}>
            <input type="checkbox" checked={events.includes(type)} onChange={(change) => toggle(type, change.target.checked)} />
            {EVENT_WORDS[type]} <code>{type}</code>
          </label>
        ))}
      </fieldset>
      <label className={styles.check}>
        <input type="checkbox" checked={allowPrivate} onChange={(change) => setAllowPrivate(change.target.checked)} />
        Allow a private or loopback address (only if the server sets WEBHOOKS_ALLOW_PRIVATE_URLS)
      </label>
    </FormSection>
  );
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

function DeliveriesSection({ api, endpoint, reloads }: { api: ApiAuth; endpoint: WebhookEndpoint; reloads: number }) {
  const load = useCallback(
    (signal: AbortSignal) => listDeliveries(api, endpoint.id, signal).then((found) => found.deliveries),
    [api, endpoint.id],
  );
  const [deliveries, refresh] = useLoaded(load, reloads);
  const { problem, act } = useRowAction(refresh);

  return (
    <section className={page.section} aria-labelledby="deliveries-heading">
      <div className={styles.endpointHead}>
        <h2 id="deliveries-heading">Deliveries to {endpoint.url}</h2>
        <button type="button" className={shared.button} onClick={refresh}>
          Refresh
        </button>
      </div>
      <FormError message={problem} />
      <LoadedList loaded={deliveries} noun="deliveries" empty={<>No delivery yet. &ldquo;Send test&rdquo; queues one.</>}>
        {(list) => (
          <ul className={styles.deliveries} aria-label="Deliveries">
            {list.map((delivery) => (
              <li key={delivery.id}>
                <details className={styles.delivery}>
                  <summary>
                    <span className={cx(styles.status, styles[delivery.status])}>{delivery.status}</span> <code>{delivery.eventType}</code>{' '}
                    · {when(delivery.createdAt)} · {delivery.attempts} {delivery.attempts === 1 ? 'attempt' : 'attempts'}
                    {delivery.lastStatusCode !== null ? ` · HTTP ${delivery.lastStatusCode}` : ''}
                    {delivery.status === 'pending' && delivery.nextAttemptAt ? ` · next ${when(delivery.nextAttemptAt)}` : ''}
                  </summary>
                  <div className={styles.deliveryBody}>
                    <p className={page.note}>
                      Delivery <code>{delivery.id}</code>, event <code>{delivery.eventId}</code>
                    </p>
                    <ol className={styles.attempts} aria-label="Attempts">
                      {delivery.attemptList.map((attempt) => (
                        <li key={attempt.attempt}>
                          #{attempt.attempt} {when(attempt.startedAt)} by {attempt.node} ·{' '}
                          {attempt.statusCode !== null ? `HTTP ${attempt.statusCode}` : 'no answer'}
                          {attempt.durationMs !== null ? ` in ${attempt.durationMs} ms` : ''}
                          {attempt.error ? <span className={styles.error}> — {attempt.error}</span> : null}
                          {attempt.responseBody ? <pre className={styles.pre}>{attempt.responseBody}</pre> : null}
                        </li>
                      ))}
                    </ol>
                    <p className={page.note}>Payload</p>
                    <pre className={styles.pre}>{delivery.payload}</pre>
                    <button
                      type="button"
                      className={shared.button}
                      onClick={() => void act(() => replayDelivery(api, endpoint.id, delivery.id))}
                    >
                      Replay
                    </button>
                  </div>
                </details>
              </li>
            ))}
          </ul>
        )}
      </LoadedList>
    </section>
  );
}
