import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { expectNoAxeViolations } from '../support/axe';
import { MEMBER_STATE_PATH } from '../support/env';

test.use({ storageState: MEMBER_STATE_PATH });

interface Received {
  delivery: string;
  event: string;
  valid: boolean;
}

/** A receiver on loopback that checks each delivery's signature with the secret the page showed. */
async function startReceiver(): Promise<{ url: string; received: Received[]; setSecret(secret: string): void; close(): Promise<void> }> {
  let secret = '';
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const header = String(request.headers['pairpad-signature'] ?? '');
      const stamp = /t=(\d+)/.exec(header)?.[1] ?? '';
      const given = Buffer.from(/v1=([0-9a-f]+)/.exec(header)?.[1] ?? '', 'hex');
      const expected = createHmac('sha256', secret).update(`${stamp}.`).update(body).digest();
      received.push({
        delivery: String(request.headers['pairpad-delivery']),
        event: String(request.headers['pairpad-event']),
        valid: given.length === expected.length && timingSafeEqual(given, expected),
      });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('received by the e2e receiver');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    setSecret: (value) => {
      secret = value;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test('an admin adds a webhook (secret shown once), sends a test, reads the delivery and its answer, and replays it', async ({ page }) => {
  const receiver = await startReceiver();
  try {
    await page.goto('/webhooks');
    await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();
    await page.getByLabel('URL', { exact: true }).fill(receiver.url);
    await page.getByLabel('Description (optional)').fill('E2E receiver');
    await page.getByLabel(/Allow a private or loopback address/).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();

    const secretField = page.getByRole('textbox', { name: 'Signing secret' });
    await expect(secretField).toBeVisible();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    receiver.setSecret(secret);
    await expectNoAxeViolations(page, 'webhooks page with a new endpoint');

    const endpoint = page.getByRole('listitem').filter({ hasText: receiver.url });
    await endpoint.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => receiver.received.length).toBe(1);
    expect(receiver.received[0]).toMatchObject({ event: 'webhook.ping', valid: true });

    await endpoint.getByRole('button', { name: 'Deliveries' }).click();
    const deliveries = page.getByRole('list', { name: 'Deliveries' });
    await expect(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect(deliveries.getByText('succeeded')).toHaveCount(1, { timeout: 1_000 });
    }).toPass();
    await deliveries.locator('summary').filter({ hasText: 'webhook.ping' }).click();
    await expect(deliveries).toContainText('HTTP 200');
    await expect(deliveries).toContainText('received by the e2e receiver');
    await expectNoAxeViolations(page, 'webhooks page with a delivery open');

    await deliveries.getByRole('button', { name: 'Replay' }).click();
    await expect.poll(() => receiver.received.length).toBe(2);
    expect(receiver.received[1]?.valid).toBe(true);
    expect(receiver.received[1]?.delivery).not.toBe(receiver.received[0]?.delivery);

    // Shown once: after a reload only the hint of the secret is on the page.
    await page.reload();
    await expect(page.getByRole('listitem').filter({ hasText: receiver.url })).toContainText(`…${secret.slice(-4)}`);
    expect(await page.content()).not.toContain(secret);
  } finally {
    await receiver.close();
  }
});
