import type { Metadata } from 'next';
import { InviteForm } from './invite-form';

export const metadata: Metadata = { title: 'Join your team · PairPad' };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return <InviteForm key={token} token={token} />;
}
