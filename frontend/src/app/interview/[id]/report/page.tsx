import { ReportView } from '@/components/report-view';

interface ReportPageProps {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function ReportPage({ params, searchParams }: ReportPageProps) {
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const token = typeof query.token === 'string' ? query.token : null;
  return <ReportView key={id} sessionId={id} tokenFromUrl={token} />;
}
