"""Link analysis: search, details, exposure, paths and ownership, over any store's backend."""
