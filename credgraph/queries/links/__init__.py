"""Link analysis over a graph store: search, details, exposure, paths and ownership."""
