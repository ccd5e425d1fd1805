import { MessagePage } from '@/components/message-page';

export default function NotFound() {
  return <MessagePage title="Page not found" />;
}
