import type { Metadata } from 'next';
import { WebhooksScreen } from './webhooks';

export const metadata: Metadata = { title: 'Webhooks · PairPad' };

export default function WebhooksPage() {
  return <WebhooksScreen />;
}
