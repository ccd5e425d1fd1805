import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// node_modules is PairPad's read-only toolchain: Vite keeps its cache in /tmp instead (under a
// node_modules folder, so that the React plugin leaves the pre-bundled dependencies alone).
// The dependencies are named up front and the entry modules transformed at start-up, so the first
// page does not wait for Vite to discover them (a faster first paint after Start).
export default defineConfig({
  plugins: [react()],
  cacheDir: '/tmp/node_modules/.vite',
  optimizeDeps: { include: ['react', 'react-dom/client', 'react/jsx-dev-runtime'], noDiscovery: true },
  server: {
    allowedHosts: true,
    warmup: { clientFiles: ['./index.html', './src/main.tsx', './src/App.tsx'] },
    // Edits arrive as files rewritten in place; inotify watching missed about 1 in 10 of them
    // (bench/preview-react.mjs); a stat poll of the project's few files every 250 ms misses none
    // (100 ms doubled twenty idle previews' CPU, bench/RESULTS.md).
    watch: { usePolling: true, interval: 250 },
  },
});
