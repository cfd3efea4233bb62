"""Linked-data pages through the Flask test client: content negotiation, the muscle page's sections with their
sources, region and condition pages, "where does it hurt?", the vocabulary, and every IRI of ours resolving."""

from __future__ import annotations

from pathlib import Path

import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from tpgraph.build.dist import BuildResult
from tpgraph.endpoint.settings import ServerSettings
from tpgraph.store.embedded import OxigraphStore
from tpgraph.web.app import create_app

REPO = Path(__file__).resolve().parents[1]

PSOAS = "https://w3id.org/tpgraph/id/muscle/psoas-major"
GLUTEUS_MAXIMUS = "https://w3id.org/tpgraph/id/muscle/gluteus-maximus"
LABEL = ox.Triple(ox.NamedNode(PSOAS), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                  ox.Literal("psoas major", language="en"))


@pytest.fixture(scope="module")
def client(built: BuildResult, store: OxigraphStore) -> FlaskClient:
    settings = ServerSettings(dist=built.out_dir, queries=REPO / "queries", ontology=REPO / "ontology" / "tpgraph.ttl")
    return create_app(settings, store).test_client()


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"})
    assert (response.status_code, response.mimetype) == (200, "text/html"), path
    return response.data.decode("utf-8")


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/trig", ox.RdfFormat.TRIG), ("application/n-quads", ox.RdfFormat.N_QUADS),
])
def test_a_record_as_rdf_by_content_negotiation(client: FlaskClient, accept: str, fmt: ox.RdfFormat) -> None:
    response = client.get("/id/muscle/psoas-major", headers={"Accept": accept})
    assert (response.status_code, response.mimetype, response.headers["Vary"]) == (200, accept, "Accept")
    triples = {q.triple for q in ox.parse(response.data, format=fmt)}
    assert LABEL in triples
    roots = {t.object.value.rsplit("/", 1)[1] for t in triples
             if t.subject.value == PSOAS and t.predicate.value.endswith("#innervatedByRoot")}
    assert roots == {"l1", "l2", "l3", "l4"}


def test_format_parameter_unknown_record_and_unacceptable_type(client: FlaskClient) -> None:
    assert client.get("/id/muscle/psoas-major?format=turtle").mimetype == "text/turtle"
    response = client.get("/id/muscle/psoas-majr")
    assert response.status_code == 404
    assert response.data.decode() == "no muscle called 'psoas-majr' in the graph; did you mean 'psoas major'?\n"
    assert client.get("/id/tendon/x").status_code == 404
    redirected = client.get("/id/muscle/psoas?format=turtle")
    assert (redirected.status_code, redirected.headers["Location"]) == (303, "/id/muscle/psoas-major?format=turtle")
    assert client.get("/id/muscle/psoas-major", headers={"Accept": "image/png"}).status_code == 406


def test_the_muscle_page_has_the_sections_of_a_trigger_point_page(client: FlaskClient) -> None:
    html = page(client, "/id/muscle/psoas-major")
    headings = [h for h in ("Referral pattern", "Etymology", "Origin", "Insertion", "Action", "Antagonists",
                            "Nerve supply", "Spinal roots", "Functional movements", "Indications",
                            "Causes and perpetuating factors", "Differential diagnosis", "Associated structures",
                            "Self-care", "Techniques", "Unsuitable techniques and precautions",
                            "Where the sources disagree", "External identifiers", "What the sources say of themselves")
                if f">{h}</h2>" in html]
    assert len(headings) == 19
    assert html.index(">Referral pattern</h2>") < html.index(">Origin</h2>") < html.index(">Differential diagnosis</h2>")
    assert '<a href="/id/root/l4">L4</a>' in html
    assert '<a href="/id/source/nat-treating-psoas">NAT, Treating Psoas</a>' in html
    assert '<strong class="red-flag">Red flag:</strong> <a href="/id/condition/appendicitis">appendicitis</a>' in html
    assert 'href="http://purl.obolibrary.org/obo/UBERON_0001298"' in html
    assert "(said of the group" in html
    assert "<svg" in html and "general educational information" in html


def test_region_and_condition_pages(client: FlaskClient) -> None:
    html = page(client, "/id/region/groin")
    assert ">Muscles that refer pain here</h2>" in html
    assert '<a href="/id/muscle/pectineus">pectineus</a> — essential' in html
    assert "not dermatomal" in html
    html = page(client, "/id/condition/appendicitis")
    assert '<a href="/id/group/iliopsoas">iliopsoas</a>' in html
    assert ('<a href="/id/muscle/psoas-major">psoas major</a> <span class="via">(through the group '
            '<a href="/id/group/iliopsoas">id:group/iliopsoas</a>)</span>') in html
    html = page(client, "/id/landmark/lesser-trochanter")
    assert "Statements, by source" in html and '<a href="/id/muscle/psoas-major">psoas major</a>' in html
    html = page(client, "/id/landmark/greater-trochanter")
    assert ">Muscles attaching here</h2>" in html
    assert ('<a href="/id/muscle/obturator-externus">obturator externus</a> — insertion '
            '<span class="via">(through its part trochanteric fossa)</span>') in html
    assert '<a href="/id/landmark/trochanteric-fossa">trochanteric fossa</a> <span class="via">(part of site)</span>' in html


def test_where_does_it_hurt(client: FlaskClient) -> None:
    """The page ranks muscles for the whole drawing (tests/test_pain_search.py pins the rule on a fixture)."""
    html = page(client, "/pain?region=inguinal%20region")
    assert "Muscles to examine, best match first" in html and "not a diagnosis" in html
    assert '<option value="groin" selected>' in html
    assert html.count('<li class="" value="1">') >= 1
    response = client.get("/pain?region=grion")
    assert response.status_code == 400
    assert "no body region called &#39;grion&#39; in the graph; did you mean &#39;groin&#39;?" in response.data.decode()
    html = page(client, "/pain?region=groin&region=knee")
    assert html.count("Muscles to examine") == 1


def test_the_map_of_a_muscle(client: FlaskClient) -> None:
    response = client.get("/id/muscle/psoas-major/map.svg")
    assert (response.status_code, response.mimetype) == (200, "image/svg+xml")
    root = ET.fromstring(response.data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert client.get("/id/region/groin/map.svg").status_code == 404


def test_a_claim_graph_resolves(client: FlaskClient) -> None:
    html = page(client, "/graph/muscle/psoas-major/nat-treating-psoas")
    assert '<a href="/id/root/l4">L4</a>' in html
    response = client.get("/graph/muscle/psoas-major/nat-treating-psoas", headers={"Accept": "application/n-quads"})
    quads = list(ox.parse(response.data, format=ox.RdfFormat.N_QUADS))
    assert ox.Quad(ox.NamedNode("https://w3id.org/tpgraph/graph/muscle/psoas-major/nat-treating-psoas"),
                   ox.NamedNode("http://purl.org/dc/terms/source"),
                   ox.NamedNode("https://w3id.org/tpgraph/id/source/nat-treating-psoas"),
                   ox.NamedNode("https://w3id.org/tpgraph/graph/provenance")) in quads
    assert client.get("/graph/muscle/no-such").status_code == 404


def test_a_muscle_s_rdf_holds_its_own_agreements_and_no_other_muscle_s(client: FlaskClient,
                                                                         store: OxigraphStore) -> None:
    """The consensus graph is derived from every weighed claim graph; a record's description takes from it only
    the agreement nodes about the record (it once carried all 6,000 of the consensus graph's quads)."""
    consensus = "https://w3id.org/tpgraph/graph/consensus/derived"
    response = client.get("/id/muscle/gluteus-maximus", headers={"Accept": "application/n-quads"})
    described = {q.subject.value for q in ox.parse(response.data, format=ox.RdfFormat.N_QUADS)
                 if q.graph_name.value == consensus}
    own = {row[0].value for row in store.select(
        f"SELECT ?node WHERE {{ GRAPH <{consensus}> {{ ?node tp:assessedRecord <{GLUTEUS_MAXIMUS}> }} }}")}
    assert len(own) >= 3 and described == own


def test_the_vocabulary(client: FlaskClient, store: OxigraphStore) -> None:
    html = page(client, "/vocab")
    terms = store.select("SELECT DISTINCT ?t WHERE { GRAPH <https://w3id.org/tpgraph/graph/ontology> { ?t a ?k } "
                         "FILTER(STRSTARTS(STR(?t), 'https://w3id.org/tpgraph/vocab#')) "
                         "FILTER(?k IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, owl:AnnotationProperty)) }")
    names = sorted(row[0].value.split("#", 1)[1] for row in terms)
    # 110, tp:laySynonym (the pain-drawing search), tp:partOfSite and tp:withinSite, tp:TechniqueVerdict and
    # tp:assessedTechnique (technique verdicts in the consensus)
    assert len(names) == 115
    assert [n for n in names if f'id="{n}"' not in html] == []
    response = client.get("/vocab", headers={"Accept": "text/turtle"})
    triples = {q.triple for q in ox.parse(response.data, format=ox.RdfFormat.TURTLE)}
    assert ox.Triple(ox.NamedNode("https://w3id.org/tpgraph/vocab#Muscle"), ox.NamedNode(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode("http://www.w3.org/2002/07/owl#Class")) in triples


def graph_shape(iri: str) -> tuple[str, ...]:
    """What the graph route sees of a graph IRI: its record type, how many segments, and whether it is derived."""
    parts = iri.removeprefix("https://w3id.org/tpgraph/graph/").split("/")
    return (parts[0], str(len(parts)), parts[-1] if parts[-1] == "derived" else "")


def test_every_record_and_graph_iri_resolves(client: FlaskClient, store: OxigraphStore, built: BuildResult) -> None:
    """Each record, and a graph of every shape (type, depth, derived or not), answers as Turtle.

    Every record is asked for; of the 6,000 named graphs, the first of each shape: the graph route reads the
    shape, not the slug, and asking for all of them took three minutes of the suite.
    """
    records = {row[0].value.split("#", 1)[0] for row in store.select(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/tpgraph/id/')) }")}
    graphs = {row[0].value for row in store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    assert len(records) == sum(built.records.values()) and len(graphs) == built.graphs
    by_shape: dict[tuple[str, ...], str] = {}
    for iri in sorted(graphs):
        by_shape.setdefault(graph_shape(iri), iri)
    assert len(by_shape) >= 20, sorted(by_shape)
    failures = []
    for iri in sorted(records | set(by_shape.values())):
        path = iri.removeprefix("https://w3id.org/tpgraph")
        if client.get(path, headers={"Accept": "text/turtle"}).status_code != 200:
            failures.append(path)
    assert failures == []


def test_w3id_redirects() -> None:
    rules = (REPO / "docs" / "w3id" / ".htaccess").read_text(encoding="utf-8")
    assert "RewriteEngine on" in rules
    assert "RewriteRule ^(id|graph|vocab|dataset|pain)(.*)$" in rules
