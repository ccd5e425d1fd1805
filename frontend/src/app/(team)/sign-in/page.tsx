import type { Metadata } from 'next';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in · PairPad' };

interface SignInPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function SignInPage({ searchParams }: SignInPageProps) {
  const query = await searchParams;
  const error = typeof query.error === 'string' ? query.error : null;
  const returnTo = typeof query.returnTo === 'string' ? query.returnTo : null;
  return <SignInForm errorCode={error} returnTo={returnTo} />;
}
