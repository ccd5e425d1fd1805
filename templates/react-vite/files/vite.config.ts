import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// node_modules is PairPad's read-only toolchain: Vite keeps its cache in /tmp instead.
export default defineConfig({
  plugins: [react()],
  cacheDir: '/tmp/vite',
  server: { allowedHosts: true },
});
