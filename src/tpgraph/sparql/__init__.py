"""SPARQL text and answers without a store: the lexical pre-scan that refuses what a public endpoint must not
run, the SELECT/ASK result writers, and VALUES binding of terms. Imports nothing of tpgraph but the model."""
