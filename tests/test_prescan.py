"""The lexical pre-scan refuses what would crash, stall or reach out from pyoxigraph, and passes ordinary queries.

The hostile shapes are the ones measured against pyoxigraph 0.5 (segfault or multi-second stall), at the sizes
measured. No timing assertions here: the scan's speed is measured separately.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpgraph.sparql.prescan import Limits, QueryRefused, ScanResult, is_update, prescan

TOO_LONG = "query is longer than 16384 characters"
TOO_DEEP = "query nesting is deeper than 64 levels"
TOO_MANY_OPERATORS = "query has more than 500 operators"
TOO_MANY_UNIONS = "query has more than 64 UNION keywords"
TOO_MANY_TRIPLES = "query has more than 128 triple patterns and groups"
TOO_MANY_VALUES = "query has more than 2000 values in VALUES blocks"
SERVICE = "SERVICE is not allowed: this endpoint does not query other endpoints"
LOAD = "LOAD is not allowed: this endpoint is read-only"
UPDATE = "SPARQL Update is not allowed: this endpoint is read-only"
NOT_QUERY = "not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE"
UNLIMITED_LENGTH = Limits(max_length=10**7)
DEFAULT = Limits()


def refusal(text: str, limits: Limits = DEFAULT) -> tuple[int, str]:
    with pytest.raises(QueryRefused) as caught:
        prescan(text, limits)
    return caught.value.status, caught.value.message


# --- the measured crash and stall families, at the measured sizes ---------------------------------------------

NESTED_BRACES = "SELECT * WHERE " + "{" * 3000 + "}" * 3000
BANGS = "SELECT * WHERE { FILTER(" + "!" * 20000 + "true) }"
PLUSES = "SELECT (" + "1 + " * 20000 + "1 AS ?x) WHERE {}"
UNIONS = "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 20000) + " }"
NESTED_BLANK_NODES = "SELECT * WHERE { ?s ?p " + "[ " * 5000 + "]" * 5000 + " }"
NESTED_BLANK_NODE_LISTS = "SELECT * WHERE { ?s ?p " + "[ :p " * 5000 + "?o" + " ]" * 5000 + " }"
TRIPLES_400 = (
    "PREFIX tp: <https://w3id.org/tpgraph/vocab#>\nSELECT * WHERE {\n"
    + "".join(f"  ?s{i} tp:property{i} ?o{i} .\n" for i in range(400))
    + "}\n"
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(NESTED_BRACES, TOO_DEEP, id="3000 nested braces"),
        pytest.param(BANGS, TOO_LONG, id="20000 bangs"),
        pytest.param(PLUSES, TOO_LONG, id="20000 pluses"),
        pytest.param(UNIONS, TOO_LONG, id="20000 unions"),
        pytest.param(NESTED_BLANK_NODES, TOO_DEEP, id="5000 nested blank nodes"),
        pytest.param(NESTED_BLANK_NODE_LISTS, TOO_LONG, id="5000 nested blank node lists"),
        pytest.param(TRIPLES_400, TOO_MANY_TRIPLES, id="400 triple patterns"),
    ],
)
def test_crash_families_are_refused_at_measured_sizes(text: str, message: str) -> None:
    assert refusal(text) == (400, message)


def test_the_400_triple_query_is_about_10_kb() -> None:
    assert 9_000 < len(TRIPLES_400) < 16 * 1024


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(NESTED_BRACES, TOO_DEEP, id="braces"),
        pytest.param(BANGS, TOO_MANY_OPERATORS, id="bangs"),
        pytest.param(PLUSES, TOO_MANY_OPERATORS, id="pluses"),
        pytest.param(UNIONS, TOO_MANY_UNIONS, id="unions"),
        pytest.param(NESTED_BLANK_NODES, TOO_DEEP, id="blank nodes"),
        pytest.param(NESTED_BLANK_NODE_LISTS, TOO_DEEP, id="blank node lists"),
        pytest.param(TRIPLES_400, TOO_MANY_TRIPLES, id="triples"),
    ],
)
def test_crash_families_hit_their_own_limit_without_the_length_limit(text: str, message: str) -> None:
    assert refusal(text, UNLIMITED_LENGTH) == (400, message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT * WHERE { FILTER(" + "!" * 501 + "true) }", TOO_MANY_OPERATORS),
        ("SELECT (" + "1+" * 501 + "1 AS ?x) WHERE {}", TOO_MANY_OPERATORS),
        ("SELECT * WHERE { FILTER(" + "(" * 65 + "true" + ")" * 65 + ") }", TOO_DEEP),
        ("SELECT * WHERE { " + " UNION ".join(["{}"] * 66) + " }", TOO_MANY_UNIONS),
        ("SELECT * WHERE { ?s ?p ?o " + "; ?p ?o" * 128 + " }", TOO_MANY_TRIPLES),
        ("SELECT * WHERE { ?s ?p ?o " + ", ?o" * 128 + " }", TOO_MANY_TRIPLES),
        ("SELECT * WHERE { ?s ?p (" + " 1" * 64 + ") }", TOO_MANY_TRIPLES),  # lists expand: 2 triples each
        ("SELECT * WHERE { " + "OPTIONAL { } " * 128 + "}", TOO_MANY_TRIPLES),
        ("SELECT * WHERE { VALUES ?x { " + "1 " * 2001 + "} }", TOO_MANY_VALUES),
        ("SELECT * WHERE { ?s ?p ?o .1 ?p ?o" + " .1 ?p ?o" * 128 + " }", TOO_MANY_TRIPLES),
        ("SELECT * WHERE { ?s ?p true." + ":x ?p true." * 128 + ":x }", TOO_MANY_TRIPLES),
    ],
)
def test_each_limit_just_over_is_refused(text: str, message: str) -> None:
    assert refusal(text) == (400, message)


def test_limits_are_configurable_and_named_in_the_message() -> None:
    limits = Limits(
        max_length=100, max_depth=3, max_operators=2, max_unions=1, max_triple_patterns=4, max_values=3
    )
    assert refusal("SELECT * WHERE { ?s ?p ?o }" + " " * 100, limits) == (
        400,
        "query is longer than 100 characters",
    )
    assert refusal("SELECT * WHERE {{{{}}}}", limits) == (400, "query nesting is deeper than 3 levels")
    assert refusal("ASK { FILTER(1+1+1+1) }", limits) == (400, "query has more than 2 operators")
    assert refusal("ASK { {} UNION {} UNION {} }", limits) == (400, "query has more than 1 UNION keywords")
    assert refusal("ASK { ?s ?p ?o. ?s ?p ?o. ?s ?p ?o. ?s ?p ?o. }", limits) == (
        400,
        "query has more than 4 triple patterns and groups",
    )
    assert refusal("ASK { VALUES ?x { 1 2 3 4 } }", limits) == (
        400,
        "query has more than 3 values in VALUES blocks",
    )


def test_just_under_the_limits_passes() -> None:
    assert prescan("SELECT * WHERE " + "{" * 64 + "}" * 64).depth == 64
    assert prescan("ASK { FILTER(" + "!" * 499 + "true) }").operators == 499
    assert prescan("ASK { " + " UNION ".join(["{}"] * 65) + " }").unions == 64


# --- SERVICE, LOAD and updates: 403 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { { OPTIONAL { GRAPH ?g { { SERVICE <http://x/> {} } } } } }",
        "SELECT * WHERE { # a comment\n SERVICE <http://x/> {} }",
        "SELECT * WHERE {\n\n\tSERVICE\n<http://x/>\n{}\n}",
        "SELECT * WHERE { SeRvIcE <http://x/> {} }",
        "select * where { service <http://x/> {} }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://x/> {} } }",
        # Keywords need no separator after them in pyoxigraph: all of these do call out.
        "PREFIX : <http://x/> SELECT * WHERE { SERVICE:x {} }",
        "PREFIX ex: <http://x/> SELECT * WHERE { SERVICEex:x {} }",
        "SELECT * WHERE { SERVICESILENT<http://x/>{} }",
        "SELECT * WHERE { ?s ?p trueSERVICE <http://x/> {} }",
        "SELECT * WHERE { ?s ?p true.SERVICE <http://x/> {} }",
        "SELECT * WHERE { ?s ?p 1SERVICE <http://x/> {} }",
        # Escapes in prefixed names are not comments or strings, so what follows is still seen.
        "PREFIX ex: <http://x/> SELECT * WHERE { ?s ?p ex:a\\#b SERVICE <http://x/> {} }",
        "PREFIX ex: <http://x/> SELECT * WHERE { ?s ?p ex:a\\'b SERVICE <http://x/> {} } #'",
    ],
)
def test_service_is_refused_everywhere(text: str) -> None:
    assert refusal(text) == (403, SERVICE)


def test_load_is_refused() -> None:
    assert refusal("LOAD <http://example.org/data.ttl>") == (403, LOAD)
    assert refusal("LOAD <http://example.org/data.ttl> INTO GRAPH <http://x/g>") == (403, LOAD)
    assert refusal("load <x>") == (403, LOAD)
    assert refusal("PREFIX ex: <http://x/> LOAD:x") == (403, UPDATE)
    assert is_update("LOAD <http://example.org/data.ttl>")


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://x/s> <http://x/p> <http://x/o> }",
        "DELETE WHERE { ?s ?p ?o }",
        "DELETE DATA { <http://x/s> <http://x/p> <http://x/o> }",
        "DROP ALL",
        "CLEAR DEFAULT",
        "CREATE GRAPH <http://x/g>",
        "COPY DEFAULT TO <http://x/g>",
        "MOVE DEFAULT TO <http://x/g>",
        "ADD DEFAULT TO <http://x/g>",
        "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "PREFIX ex: <http://x/>\nBASE <http://x/>\n# comment\ninsert data { ex:s ex:p ex:o }",
        "PREFIX insert: <http://x/> INSERT DATA { insert:s insert:p insert:o }",
        "INSERTDATA{<http://x/s> <http://x/p> <http://x/o>}",
    ],
)
def test_updates_are_refused_as_read_only(text: str) -> None:
    assert is_update(text)
    assert refusal(text) == (403, UPDATE)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        "PREFIX insert: <http://x/> SELECT * WHERE { ?s insert:p ?o }",
        "PREFIX ex: <http://x/> ASK { ex:a ex:b ex:c }",
        "# INSERT DATA { }\nSELECT * WHERE { ?s ?p 'DELETE' }",
        "SELECT ?insert WHERE { ?insert ?p ?o }",
        "",
    ],
)
def test_queries_are_not_updates(text: str) -> None:
    assert not is_update(text)


# --- what must not count: strings, comments, IRIs, variables, prefixed names ------------------------------------


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ('SELECT * WHERE { ?s ?p "}}}}} SERVICE" } # SERVICE {{{{', 1),
        ("SELECT * WHERE { ?s ?p '{{{{ SERVICE UNION LOAD' }", 1),
        ('SELECT * WHERE { ?s ?p """\n{{{{ SERVICE\n\\""" }}}} ""\'""" }', 1),
        ("SELECT * WHERE { ?s ?p '''{{{{ ' '' SERVICE''' }", 1),
        ('SELECT * WHERE { ?s ?p "escaped \\" {{{{ SERVICE" }', 1),
        ("SELECT * WHERE { ?s ?p <http://example.org/SERVICE/((((> }", 1),
        ("PREFIX ex: <http://example.org/> SELECT ?service WHERE { ?service ex:SERVICE ex:LOAD }", 1),
        ("SELECT ?service WHERE { $service ?p ?load }", 1),
        ("SELECT * WHERE { ?s ?p ?o } # SERVICE <x> { { { INSERT", 1),
        ("SELECT * WHERE { ?s ?p 'SERVICE'@en-GB }", 1),
    ],
)
def test_strings_comments_iris_and_names_do_not_count(text: str, depth: int) -> None:
    result = prescan(text)
    assert result.form == "SELECT"
    assert result.depth == depth
    assert result.unions == 0


def test_an_unterminated_long_string_is_scanned_to_the_end() -> None:
    assert prescan("SELECT * WHERE { ?s ?p '''" + "{ SERVICE \\' '' " * 900).depth == 1
    assert prescan('SELECT * WHERE { ?s ?p """' + "\\" * 15000).depth == 1


def test_an_unterminated_short_string_ends_at_the_line_end() -> None:
    # pyoxigraph rejects it; the scan just goes on, and still sees what follows.
    assert refusal("SELECT * WHERE { ?s ?p 'abc\n SERVICE <x> {} }") == (403, SERVICE)


def test_less_than_is_an_operator_unless_it_is_an_iri() -> None:
    assert prescan("SELECT * WHERE { ?s ?p ?o FILTER(?o < 10) }").operators == 2  # '*' and '<'
    assert prescan("SELECT * WHERE { ?s ?p ?o FILTER(?o<10&&?o>2) }").operators >= 4
    assert prescan("SELECT * WHERE { ?s ?p ?o FILTER(?o = <http://x/a>) }").operators == 2
    assert prescan("SELECT * WHERE { ?s ?p ?o FILTER(?o IN (<http://x/a>, <http://x/b>)) }").operators == 2


def test_a_less_than_that_could_hide_brackets_is_refused() -> None:
    # pyoxigraph reads this as ?a < 2 && (?b) > 0, although '<2&&(?b)>' matches the IRI grammar.
    text = "SELECT * WHERE { ?a ?p ?b FILTER(?a<2&&(?b)>0) }"
    assert text.index("<") + 1 == 36
    assert refusal(text) == (
        400,
        (
            "cannot tell whether '<' at character 36 starts an IRI or compares two values: "
            "put a space after '<' when it means less-than"
        ),
    )
    assert prescan(text.replace("<", "< ")).form == "SELECT"


def test_hidden_nesting_behind_a_fake_iri_is_refused() -> None:
    hidden = "(" * 60 + "1>2" + ")" * 60
    text = "SELECT * WHERE { BIND(1 AS ?a) FILTER(" + " && ".join([f"?a<{hidden}"] * 50) + ") }"
    assert refusal(text)[0] == 400


# --- ordinary queries pass ----------------------------------------------------------------------------------

TYPICAL = """\
PREFIX tp: <https://w3id.org/tpgraph/vocab#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX muscle: <https://w3id.org/tpgraph/id/muscle/>
# Muscles whose trigger points refer pain to the thigh, with their antagonists.
SELECT DISTINCT ?muscle ?label (COUNT(?zone) AS ?zones)
WHERE {
  ?muscle a tp:Muscle ;
          rdfs:label ?label .
  ?muscle tp:hasTriggerPoint/tp:refersTo* ?zone .
  OPTIONAL { ?muscle tp:hasAntagonist ?antagonist . }
  FILTER(lang(?label) = "en" && ?n < 10 && !BOUND(?antagonist))
  FILTER(?muscle != muscle:psoas-major)
  VALUES ?region { <https://w3id.org/tpgraph/id/region/thigh> muscle:x }
  BIND(STRLEN(?label) + 1 AS ?n)
}
GROUP BY ?muscle ?label
HAVING (COUNT(?zone) >= 1)
ORDER BY DESC(?zones) ?label
LIMIT 20
OFFSET 0
"""


def test_a_typical_query_passes() -> None:
    result = prescan(TYPICAL)
    assert result == ScanResult(
        form="SELECT",
        depth=3,
        operators=result.operators,
        unions=0,
        triple_patterns=result.triple_patterns,
    )
    assert 5 <= result.operators <= 20
    assert 4 <= result.triple_patterns <= 12


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("ASK { ?s ?p ?o }", "ASK"),
        ("ask{}", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <https://w3id.org/tpgraph/id/muscle/psoas-major>", "DESCRIBE"),
        ("PREFIX muscle: <https://w3id.org/tpgraph/id/muscle/>\nDESCRIBE muscle:psoas-major", "DESCRIBE"),
        ("BASE <http://x/> PREFIX : <http://x/> SELECT * WHERE { :a :b :c }", "SELECT"),
        (
            "PREFIX select: <http://x/> PREFIX ask: <http://x/> CONSTRUCT WHERE { ?s select:p ?o }",
            "CONSTRUCT",
        ),
        ("SELECT*WHERE{?s ?p ?o}", "SELECT"),
        ("SELECT * WHERE { ?s ?p ?o } VALUES (?s ?o) { (<http://x/a> 1) (UNDEF 2.5) }", "SELECT"),
        ("SELECT * WHERE { ?s ?p (1 2 (3 4)) . ?s ?q [ ?r 'x' ; ?t ?u ] }", "SELECT"),
        ("SELECT * WHERE { << ?s ?p ?o >> ?q ?r }", "SELECT"),
    ],
)
def test_query_forms(text: str, form: str) -> None:
    assert prescan(text).form == form


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        ("", 400, "empty query"),
        ("   \n\t  ", 400, "empty query"),
        ("# only a comment\n", 400, "empty query"),
        ("PREFIX ex: <http://x/>", 400, NOT_QUERY),
        ("hello world", 400, NOT_QUERY),
        ("{ ?s ?p ?o }", 400, NOT_QUERY),
        ("'SELECT'", 400, NOT_QUERY),
    ],
)
def test_empty_and_non_queries(text: str, status: int, message: str) -> None:
    assert refusal(text) == (status, message)


def test_query_refused_carries_status_and_message() -> None:
    error = QueryRefused(403, "no")
    assert (error.status, error.message, str(error)) == (403, "no", "no")


# --- never anything but a result or a refusal -------------------------------------------------------------

SPARQLISH = st.text(
    alphabet=st.sampled_from(
        list("{}[]()<>\"'#\\?$:.;,!&|+-*/=^@_ \n\tabcxyzSELECTSERVICEUNIONVALUES0123456789")
    ),
    max_size=2000,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=2000), SPARQLISH, SPARQLISH.map(lambda s: "SELECT * WHERE { " + s)))
def test_prescan_only_ever_returns_a_result_or_refuses(text: str) -> None:
    try:
        result = prescan(text)
    except QueryRefused as refused:
        assert refused.status in (400, 403)
        assert refused.message
    else:
        assert isinstance(result, ScanResult)
        assert result.form in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
