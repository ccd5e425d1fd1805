import type { Metadata } from 'next';
import { PrivacyScreen } from './privacy';

export const metadata: Metadata = { title: 'Candidate data · PairPad' };

export default function PrivacyPage() {
  return <PrivacyScreen />;
}
