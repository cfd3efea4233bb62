"""The SPARQL endpoint without Flask: protocol rules, the query service (limits, pre-scan, negotiation, cache,
in-flight caps, the store with a deadline), the service description, metrics, build info and server settings.
Talks to the Store interface only."""
