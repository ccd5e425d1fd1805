/**
 * Browser stand-in for Node's `buffer` module. lib0 (under Yjs) mentions the global `Buffer` in
 * its Node-only base64 helpers, which makes the bundler ship a ~30 KB gzipped polyfill; in the
 * browser lib0 uses `btoa`/`atob` instead, so nothing here is ever called.
 */
export const Buffer = undefined;
export default { Buffer };
