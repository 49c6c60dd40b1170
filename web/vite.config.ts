import { defineConfig } from "vite";

// The bundle is written into the Python package, which serves it at / (credgraph serve).
export default defineConfig({
  base: "./",
  build: {
    outDir: "../credgraph/api/static",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { "/graphql": "http://127.0.0.1:8000" },
  },
});
