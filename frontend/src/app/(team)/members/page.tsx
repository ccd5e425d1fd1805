import type { Metadata } from 'next';
import { MembersScreen } from './members';

export const metadata: Metadata = { title: 'Members · PairPad' };

export default function MembersPage() {
  return <MembersScreen />;
}
