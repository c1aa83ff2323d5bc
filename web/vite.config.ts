// Vite builds the console into dist/, which `kycloud serve` serves at "/". In development,
// `npx vite` proxies the API to a kycloud on 127.0.0.1:8080.
import { defineConfig } from "vite";

export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks: { chart: ["chart.js"], graph: ["cytoscape"] },
      },
    },
  },
  server: {
    proxy: { "/v1": "http://127.0.0.1:8080", "/healthz": "http://127.0.0.1:8080" },
  },
});
