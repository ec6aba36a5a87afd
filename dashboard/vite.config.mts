import { defineConfig } from "vite";

/**
 * `vite build dashboard` (npm run build): the page and its bundle (Apache ECharts included) into
 * dist/dashboard, which the API serves at /dashboard. Paths are relative to this folder, Vite's root.
 */
export default defineConfig({
  base: "/dashboard/",
  logLevel: "warn",
  build: {
    outDir: "../dist/dashboard",
    emptyOutDir: true,
    assetsDir: "assets",
    // Everything is a file the API serves: no data: URLs, no inline script (the page's CSP refuses it).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // ECharts, tree-shaken to the charts the page draws, is one chunk of about 600 kB.
    chunkSizeWarningLimit: 1000,
  },
});
