"""Triple stores behind one interface (``interface.Store``, with ``Busy`` and the answer types): the embedded
pyoxigraph store, the sandboxed worker pool, a remote SPARQL 1.1 server, pushing a build to one, and external
datasets loaded beside the build. The capped answer writer every store uses lives here too."""
