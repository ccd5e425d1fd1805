import { PlaybackView } from '@/components/playback-view';

interface PlaybackPageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function PlaybackPage({ params, searchParams }: PlaybackPageProps) {
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const token = typeof query.token === 'string' ? query.token : null;
  return <PlaybackView key={id} sessionId={id} tokenFromUrl={token} />;
}
