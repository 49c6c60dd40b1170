/** GraphiQL served by credgraph at /graphql: bundled with the explorer, so the console works
offline and tells no third party that someone opened the API (no CDN, no remote font). */

import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

const EXAMPLE = `# credgraph GraphQL API: the operations are documented in docs/api-contract.md.
# Ctrl-Enter runs the query.
query Search {
  search(text: "科技", first: 5) {
    node { id name kind }
  }
}
`;

/** The API answers where the page was served from (/graphql), so any host or port works. */
const fetcher = createGraphiQLFetcher({ url: new URL("graphql", document.baseURI).href });

const root = document.getElementById("graphiql")!;
root.textContent = "";
createRoot(root).render(
  createElement(GraphiQL, { fetcher, defaultQuery: EXAMPLE }),
);
