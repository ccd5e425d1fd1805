import type { Metadata } from 'next';
import { RubricScreen } from './rubric';

export const metadata: Metadata = { title: 'Rubric · PairPad' };

export default function RubricPage() {
  return <RubricScreen />;
}
