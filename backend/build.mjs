// Bundles the backend's own code into dist/ (dependencies stay external, loaded from node_modules).
import { build } from 'esbuild';

await build({
  entryPoints: { server: 'src/main.ts', executor: 'src/executor/main.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Every dependency stays external, loaded from node_modules at run time: better-sqlite3 (a
  // native module, loaded only without DATABASE_URL) and pg among them.
  packages: 'external',
  outdir: 'dist',
  sourcemap: true,
  logLevel: 'warning',
});
