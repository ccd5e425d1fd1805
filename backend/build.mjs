// Bundles the backend's own code into dist/server.js. Dependencies stay external (loaded from
// node_modules), except PairPad's workspace packages (@pairpad/protocol, @pairpad/executor):
// they ship TypeScript sources, which Node cannot load from node_modules, so they are bundled.
// The standalone executor has its own bundle (packages/executor/build.mjs).
import { build } from 'esbuild';

/** Every bare import is external unless it names one of our workspace packages. */
const externalDependencies = {
  name: 'external-dependencies',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@pairpad/') ? undefined : { path: args.path, external: true }));
  },
};

await build({
  entryPoints: { server: 'src/main.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // better-sqlite3 (a native module, loaded only without DATABASE_URL) and pg are external too.
  plugins: [externalDependencies],
  outdir: 'dist',
  sourcemap: true,
  logLevel: 'warning',
});
