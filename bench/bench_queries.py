"""The benchmark's query templates: realistic questions over the tpgraph dataset.

Every template declares every PREFIX it uses (the peer servers know none of tpgraph's built-in prefixes) and
holds exactly one ``{N}`` placeholder. The load generator replaces it with a number that grows by one on
every request, so each *distinct* request has a new query text that no cache (tpgraph's result cache,
rdflib-endpoint's parsed-query cache) can answer, while the answer itself stays the same: ``{N}`` is always
used where any value >= ``N_BASE`` changes nothing (a LIMIT far above the row count, a harmless FILTER or
HAVING bound). That keeps the row counts comparable across servers and requests.
"""

from __future__ import annotations

from dataclasses import dataclass

N_BASE = 1_000_000
"""Smallest value ``{N}`` takes; far above every result size and label length in the dataset."""

PREFIXES = """\
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX tp: <https://w3id.org/tpgraph/vocab#>
PREFIX muscle: <https://w3id.org/tpgraph/id/muscle/>
PREFIX region: <https://w3id.org/tpgraph/id/region/>
PREFIX root: <https://w3id.org/tpgraph/id/root/>
"""


@dataclass(frozen=True)
class Template:
    name: str
    what: str
    body: str

    def text(self, n: int = N_BASE) -> str:
        return (PREFIXES + self.body).replace("{N}", str(n))

    def split(self) -> tuple[str, str]:
        """The query text before and after ``{N}`` (for cheap per-request substitution)."""
        before, after = (PREFIXES + self.body).split("{N}")
        return before, after


TEMPLATES: tuple[Template, ...] = (
    Template("muscle_roots", "spinal roots of two muscles, claim by claim, with evidence and source", """
SELECT ?muscle ?root ?evidence ?source WHERE {
  VALUES ?muscle { muscle:psoas-major muscle:iliacus }
  GRAPH ?g { ?muscle tp:innervatedByRoot ?r }
  ?r rdfs:label ?root ;
     tp:rootOrdinal ?ordinal .
  ?g tp:hasEvidence ?evidence .
  OPTIONAL { ?g dcterms:source ?source }
}
ORDER BY ?muscle ?ordinal ?source
LIMIT {N}
"""),
    Template("refers_pain_to", "what refers pain to a few regions (tp:refersPainTo), with labels", """
SELECT DISTINCT ?origin ?label ?region WHERE {
  VALUES ?region { region:groin region:lower-back region:anterior-thigh region:abdomen }
  ?origin tp:refersPainTo ?region .
  OPTIONAL { ?origin rdfs:label ?label }
}
ORDER BY ?region ?origin
LIMIT {N}
"""),
    Template("antagonists_graph", "antagonist pairs with the opposed action and the source (GRAPH ?g)", """
SELECT ?muscle ?antagonist ?action ?source WHERE {
  GRAPH ?g {
    ?muscle tp:hasAntagonism ?antagonism .
    ?antagonism tp:antagonisticMuscle ?antagonist ;
                tp:opposedAction ?action .
  }
  ?g dcterms:source ?source .
}
ORDER BY ?muscle ?antagonist ?action
LIMIT {N}
"""),
    Template("label_regex", "labels matching a case-insensitive regex (FILTER regex)", """
SELECT DISTINCT ?thing ?label WHERE {
  ?thing rdfs:label ?label .
  FILTER(regex(str(?label), "thigh|groin|lumbar|psoas", "i"))
}
ORDER BY ?label
LIMIT {N}
"""),
    Template("claims_per_source", "claim graphs per source (COUNT DISTINCT / GROUP BY)", """
SELECT ?source (COUNT(DISTINCT ?g) AS ?claims) WHERE {
  ?g a tp:ClaimGraph ;
     dcterms:source ?source .
}
GROUP BY ?source
ORDER BY DESC(?claims) ?source
LIMIT {N}
"""),
    Template("region_path", "every region inside the lower limb (property path tp:partOfRegion+)", """
SELECT DISTINCT ?region ?label WHERE {
  ?region tp:partOfRegion+ region:lower-limb ;
          rdfs:label ?label .
}
ORDER BY ?label
LIMIT {N}
"""),
    Template("muscle_optional", "every muscle with optional origin, insertion, nerve and group (OPTIONAL)", """
SELECT DISTINCT ?muscle ?label ?origin ?insertion ?nerve ?group WHERE {
  ?muscle a tp:Muscle ;
          rdfs:label ?label .
  OPTIONAL { ?muscle tp:hasOrigin ?origin }
  OPTIONAL { ?muscle tp:hasInsertion ?insertion }
  OPTIONAL { ?muscle tp:innervatedBy ?nerve }
  OPTIONAL { ?muscle tp:memberOf ?group }
}
ORDER BY ?label
LIMIT {N}
"""),
    Template("regions_top", "the last 20 body regions by label (ORDER BY DESC / LIMIT, FILTER bound)", """
SELECT ?region ?label WHERE {
  ?region a tp:BodyRegion ;
          rdfs:label ?label .
  FILTER(STRLEN(?label) < {N})
}
ORDER BY DESC(?label)
LIMIT 20
"""),
    Template("largest_graphs", "the 10 largest named graphs (GRAPH ?g scan, GROUP BY, HAVING bound)", """
SELECT ?g (COUNT(*) AS ?quads) WHERE {
  GRAPH ?g { ?s ?p ?o }
}
GROUP BY ?g
HAVING (COUNT(*) < {N})
ORDER BY DESC(?quads) ?g
LIMIT 10
"""),
    Template("factors_union", "perpetuating factors and differential diagnoses of muscles (UNION, BIND)", """
SELECT DISTINCT ?subject ?kind ?thing ?label WHERE {
  { ?subject tp:hasPerpetuatingFactor ?thing . BIND("factor" AS ?kind) }
  UNION
  { ?subject tp:hasDifferentialDiagnosis ?thing . BIND("differential" AS ?kind) }
  ?thing rdfs:label ?label .
  FILTER(langMatches(lang(?label), "en"))
}
ORDER BY ?subject ?kind ?label
LIMIT {N}
"""),
)

LARGE_TEMPLATES: tuple[Template, ...] = (
    Template("large_50", "50 muscles with their labels (ORDER BY)", """
SELECT ?muscle ?label WHERE {
  ?muscle a tp:Muscle ; rdfs:label ?label .
  FILTER(STRLEN(?label) < {N})
}
ORDER BY ?muscle
LIMIT 50
"""),
    Template("large_200", "200 labelled records with their type", """
SELECT ?record ?type ?label WHERE {
  ?record a ?type ; rdfs:label ?label .
  FILTER(STRSTARTS(STR(?record), "https://w3id.org/tpgraph/id/") && STRLEN(?label) < {N})
}
ORDER BY ?record ?type
LIMIT 200
"""),
    Template("large_450", "450 labels and synonyms (UNION)", """
SELECT ?record ?name WHERE {
  { ?record rdfs:label ?name } UNION { ?record skos:altLabel ?name }
  FILTER(STRLEN(?name) < {N})
}
LIMIT 450
"""),
    Template("large_1000", "1,000 statements with a literal object, with their graph", """
SELECT ?g ?s ?p ?o WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER(isLITERAL(?o) && STRLEN(STR(?o)) < {N})
}
LIMIT 1000
"""),
)
"""Distinct SELECTs whose answers have 50 to 1,000 rows (issue 15): the cost of writing and sending an answer."""

REPEATED = ("muscle_roots", "refers_pain_to", "antagonists_graph", "region_path")
"""Templates whose one fixed text (``{N}`` = ``N_BASE``) the repeated-query runs send again and again."""

BY_NAME = {t.name: t for t in TEMPLATES + LARGE_TEMPLATES}

PROBES: dict[str, str] = {
    "union default graph, bag or set": PREFIXES + """
SELECT ?origin ?region WHERE {
  VALUES ?region { region:groin region:lower-back region:anterior-thigh region:abdomen }
  ?origin tp:refersPainTo ?region .
}
""",
}
"""Correctness-only queries (never timed) whose row counts may legitimately differ between servers.

The probe asks for a triple that several named graphs (several sources) state. SPARQL 1.1 defines a union
default graph as the RDF *merge* of the named graphs, a set, so each matching triple should give one row
(rdflib-endpoint); pyoxigraph's ``use_default_graph_as_union`` and Oxigraph's ``--union-default-graph`` give
one row per graph that holds it. The timed templates use DISTINCT where that matters, so all servers do the
same work and return the same rows.
"""
