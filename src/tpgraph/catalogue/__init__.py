"""The named queries: their grlc-style headers read from ``queries/*.rq``, and their parameters resolved from a
name a person types to the IRI of a record."""
