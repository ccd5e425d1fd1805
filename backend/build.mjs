// Bundles the backend's own code into dist/ (dependencies stay external, loaded from node_modules).
import { build } from 'esbuild';

await build({
  entryPoints: { server: 'src/main.ts', executor: 'src/executor/main.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  outdir: 'dist',
  sourcemap: true,
  logLevel: 'warning',
});
