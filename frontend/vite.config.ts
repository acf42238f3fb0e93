import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The backend (uvicorn on :8000) serves the built SPA from frontend/dist at /
// and the API under /api; in development Vite serves the SPA and forwards /api.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: 'http://127.0.0.1:8000', changeOrigin: false },
    },
  },
  preview: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:8000', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // antd (with the tables, forms, date pickers and trees the pages use) is ~1.4 MB
    // minified, 440 kB gzipped; it gets its own long-cached chunk below.
    // ECharts is left to the automatic splitting: it sits behind a dynamic
    // import (src/components/charts/Chart.tsx) and loads with the first chart.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'vendor-antd', test: /node_modules[\\/](antd|@ant-design|rc-[^\\/]+|@rc-component)[\\/]/, priority: 20 },
            { name: 'vendor-react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    css: false,
    restoreMocks: true,
    // antd in jsdom is slow, and CI machines are shared: generous, not tight.
    testTimeout: 90_000,
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
