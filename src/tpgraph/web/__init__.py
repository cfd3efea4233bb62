"""The HTTP side: the Flask app and its routes, the path past Flask for plain GETs, the REST API and OpenAPI,
record pages, the body map, the vocabulary page, release files, response helpers and the WSGI server. Never
imports the build, the release code or a store implementation: the app gets its store and settings as
arguments."""
