import type { Metadata } from 'next';
import { MessagePage } from '@/components/message-page';

export const metadata: Metadata = { title: 'Address not valid — PairPad' };

/**
 * What a path with a malformed percent-escape (`/interview/%ff`) shows: the proxy rewrites such
 * requests here with status 400, since Next's router cannot decode them into a page's parameters.
 */
export default function MalformedAddress() {
  return (
    <MessagePage title="This address is not valid">
      It holds a malformed escape (such as %ff). Check the link you were sent, or copy it again.
    </MessagePage>
  );
}
