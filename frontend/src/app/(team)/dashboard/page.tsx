import type { Metadata } from 'next';
import { DashboardScreen } from './dashboard';

export const metadata: Metadata = { title: 'Dashboard · PairPad' };

export default function DashboardPage() {
  return <DashboardScreen />;
}
