import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The storefront and admin: one app, two areas; the admin is a lazy chunk a shopper never loads.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist/client',
    emptyOutDir: true,
    manifest: true,
    // no inline <script>/<style> anywhere: the pages are served with a strict CSP
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  // The server bundle carries its own production React: the gateway's NODE_ENV must not pick React's development build.
  ssr: { noExternal: true },
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
})
