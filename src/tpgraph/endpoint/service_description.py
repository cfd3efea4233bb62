"""The SPARQL 1.1 Service Description of the endpoint, in the RDF syntax the client asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from tpgraph.endpoint.protocol import GRAPH_TYPES, RESULT_TYPES

if TYPE_CHECKING:
    from tpgraph.endpoint.build_info import BuildInfo

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML",
}


def service_description(endpoint: str, build: BuildInfo, media_type: str) -> bytes:
    """Describe the endpoint at ``endpoint`` (its public URL): language, formats, features, dataset."""
    service = ox.NamedNode(endpoint)
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")

    def sd(term: str) -> ox.NamedNode:
        return ox.NamedNode(SD + term)

    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
        ox.Triple(default_graph, ox.NamedNode(VOID + "triples"),
                  ox.Literal(str(build.quads), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
        ox.Triple(dataset, ox.NamedNode("http://purl.org/dc/terms/identifier"), ox.Literal(build.build_id)),
    ]
    for media in RESULT_TYPES + GRAPH_TYPES:
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + FORMAT_IRIS[media])))
    rdf_format = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
    return ox.serialize(triples, format=rdf_format,
                        prefixes={"sd": SD, "void": VOID, "formats": FORMATS}) or b""
