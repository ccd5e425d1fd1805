import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The shared protocol schemas and the Yjs provider are workspace packages that ship their
  // TypeScript sources (`@pairpad/protocol`, `@pairpad/client`); Next compiles them.
  transpilePackages: ['@pairpad/protocol', '@pairpad/client'],
  reactStrictMode: true,
  poweredByHeader: false,
  // Built with Turbopack (Next 16's default): it compiles the workspace packages' TypeScript
  // sources without extra setup. `next build --webpack` also works, but ignores this alias and
  // ships the Buffer polyfill.
  turbopack: {
    // Keep the Node Buffer polyfill out of the browser bundle (see src/lib/no-buffer.ts).
    resolveAlias: {
      buffer: { browser: './src/lib/no-buffer.ts' },
      'next/dist/compiled/buffer': { browser: './src/lib/no-buffer.ts' },
    },
    rules: {
      // Emacs key bindings: keep the package's keymap registration through minification (see the loader).
      '*.js': {
        condition: { path: /@replit[\\/]codemirror-emacs[\\/]dist[\\/]index\.js$/ },
        loaders: ['./loaders/strip-pure-annotations.cjs'],
        as: '*.js',
      },
    },
  },
  // `npm test` typechecks the frontend in a suite of its own (`tsc -p frontend`) beside this build,
  // and sets PAIRPAD_BUILD_SKIP_TYPES=1 for its build: the same types are not checked twice.
  typescript: { ignoreBuildErrors: process.env.PAIRPAD_BUILD_SKIP_TYPES === '1' },
  // The backend URL is resolved per request (see src/lib/runtime-config.ts), so one build serves any host or port.
};

export default nextConfig;
