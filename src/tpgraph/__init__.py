"""tpgraph: an open knowledge graph of myofascial trigger points, served over SPARQL."""

__version__ = "0.1.0.dev0"
