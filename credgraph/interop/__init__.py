"""Exchange with other tools: BODS 0.4, FollowTheMoney, GraphML and GEXF out; BODS and FtM in.

Exports read the graph through the analyses' backend alone, batch by batch, and
yield their output in pieces, so memory stays flat whatever the register's size
(scope.py). Imports turn statements or entities into the rows of the dataset
sections and load them the way a folder is loaded (credgraph.loaders.rows), with
provenance and a rejects report.
"""
