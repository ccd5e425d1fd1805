import { NextResponse, type NextRequest } from 'next/server';
import { readPublicConfig } from './lib/runtime-config';

/** Where a path with a malformed percent-escape is shown (Next itself would answer a bare 500). */
const MALFORMED_ADDRESS_PAGE = '/malformed-address';

/** True when `/interview/%ff`-like paths cannot be decoded: Next's router throws on them before any page renders. */
function undecodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

/**
 * Where previews are framed from: `<token>.<preview host>` under PREVIEW_ORIGIN (the backend's
 * setting, given to the frontend too), by default `preview.localhost` on the backend's port.
 */
export function previewFrameSource(api: string): string {
  const configured = process.env.PREVIEW_ORIGIN?.trim();
  try {
    const origin = new URL(configured || api);
    const host = configured ? origin.host : `preview.localhost${origin.port ? `:${origin.port}` : ''}`;
    return `${origin.protocol}//*.${host}`;
  } catch {
    return "'none'";
  }
}

/**
 * Security headers for every page, with a Content Security Policy built per request: scripts only
 * from this origin or carrying this request's nonce (Next adds it to its own inline scripts), and
 * network access only to this origin and the backend (HTTP and WebSocket). Styles allow inline
 * because CodeMirror and the remote-cursor colours are applied as inline styles.
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const { apiUrl } = readPublicConfig();
  const api = apiUrl ?? `${request.nextUrl.protocol}//${request.nextUrl.hostname}:5000`;
  const socket = api.replace(/^http/, 'ws');
  const development = process.env.NODE_ENV !== 'production';
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${api} ${socket}${development ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // The room's Preview pane: the candidate's app, served from the preview origin's subdomains.
    `frame-src ${previewFrameSource(api)}`,
  ].join('; ');

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', policy);
  const response = undecodable(request.nextUrl.pathname)
    ? NextResponse.rewrite(new URL(MALFORMED_ADDRESS_PAGE, request.url), { request: { headers: requestHeaders }, status: 400 })
    : NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  response.headers.set('X-Content-Type-Options', 'nosniff');
  response.headers.set('X-Frame-Options', 'DENY');
  response.headers.set('Referrer-Policy', 'no-referrer');
  response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), clipboard-write=(self)');
  return response;
}

export const config = {
  // Pages only: static assets and Next internals need no per-request policy.
  matcher: [{ source: '/((?!_next/static|_next/image|favicon.ico|icon.svg).*)' }],
};
