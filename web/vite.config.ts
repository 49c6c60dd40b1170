import { defineConfig } from "vite";

// The bundle is written into the Python package, which serves it (credgraph serve): the
// explorer at /, GraphiQL at /graphql (graphiql.html, with its Monaco editor workers).
export default defineConfig({
  base: "./",
  build: {
    outDir: "../credgraph/api/static",
    emptyOutDir: true,
    chunkSizeWarningLimit: 5000,
    rollupOptions: {
      input: { index: "index.html", graphiql: "graphiql.html" },
      // GraphiQL's React packages carry "use client" lines meant for server frameworks.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  worker: { format: "es" },
  server: {
    proxy: { "/graphql": "http://127.0.0.1:8000" },
  },
});
