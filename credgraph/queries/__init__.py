"""The analyses credgraph answers (links, ownership, explorer, restrictions), written once
against a store's backend; `credgraph.queries.analyses.Analyses` bundles them."""
