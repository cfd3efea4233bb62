"""The model: namespaces and vocabulary, the YAML schema, the IRI scheme of records and graphs, release version
rules and the "did you mean" helper. Everything else builds on these; they import nothing of tpgraph."""
