import type { Metadata } from 'next';
import { ApiTokensScreen } from './tokens';

export const metadata: Metadata = { title: 'API tokens · PairPad' };

export default function ApiTokensPage() {
  return <ApiTokensScreen />;
}
