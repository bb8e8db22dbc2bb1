import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The Tauri shell loads the dev server on a fixed port (tauri.conf.json devUrl)
// and the built files from dist/ in every other build.
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 1420, strictPort: true, host: '127.0.0.1' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK 2.38+ (Debian 12) and the other platform webviews run ES2021.
    target: 'es2021',
    sourcemap: false,
  },
  // Svelte ships separate server and browser entry points; component tests
  // mount in jsdom, so they need the browser one.
  resolve: mode === 'test' ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    restoreMocks: true,
  },
}));
