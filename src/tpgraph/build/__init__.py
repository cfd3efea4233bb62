"""From sources to ``dist/``: load the YAML records, validate them (SHACL and the quality-check queries), infer,
weigh the sources, write every output file, SSSOM and the Protégé import module; and ``tpgraph check`` (the OWL 2
DL profile and HermiT). The web layer never imports this package."""
