// Bundles the standalone executor into dist/executor.js (dependencies stay external, loaded from node_modules).
import { build } from 'esbuild';

await build({
  entryPoints: { executor: 'src/main.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  outdir: 'dist',
  sourcemap: true,
  logLevel: 'warning',
});
