import { InterviewRoom } from '@/components/interview-room';

interface InterviewPageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

function single(value: string | string[] | undefined): string | null {
  return typeof value === 'string' ? value : (value?.[0] ?? null);
}

export default async function InterviewPage({ params, searchParams }: InterviewPageProps) {
  const [{ id }, query] = await Promise.all([params, searchParams]);
  return <InterviewRoom key={id} sessionId={id} nameFromUrl={single(query.name)} tokenFromUrl={single(query.token)} />;
}
