"""Tests for tpgraph.build.owl_profile: OWL 2 DL profile check via the OWL API in HermiT.jar."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tpgraph.build.owl_profile import ProfileCheckError, check_owl2_dl, hermit_jar

requires_java = pytest.mark.skipif(
    shutil.which("java") is None, reason="java is not on PATH"
)

PREFIXES = """\
@prefix : <http://example.org/t#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<http://example.org/t> a owl:Ontology .
"""

ONTOLOGY_ID = "OntologyID(OntologyIRI(<http://example.org/t>))"


pytestmark = [pytest.mark.java]


def write(tmp_path: Path, name: str, text: str) -> Path:
    # A directory name with a space, to make sure paths are passed through intact.
    directory = tmp_path / "onto dir"
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_hermit_jar_is_found_via_owlready2() -> None:
    jar = hermit_jar()
    assert jar.name == "HermiT.jar"
    assert jar.parent.parent.name == "owlready2"
    assert jar.is_file()


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(ProfileCheckError, match="not found"):
        check_owl2_dl(tmp_path / "does-not-exist.ttl")


@requires_java
def test_valid_turtle_is_in_profile(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ok.ttl",
        PREFIXES
        + """\
:A a owl:Class .
:B a owl:Class ; rdfs:subClassOf :A .
:price a owl:DatatypeProperty ; rdfs:range xsd:decimal .
:knows a owl:ObjectProperty , owl:TransitiveProperty .
:b1 a owl:NamedIndividual , :B ;
    :price "12.50"^^xsd:decimal ;
    rdfs:label "Beispiel é"@de .
:b2 a owl:NamedIndividual , :A ; :knows :b1 .
""",
    )
    assert check_owl2_dl(path) == []


@requires_java
def test_valid_rdfxml_is_in_profile(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ok.owl",
        """\
<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
         xmlns:owl="http://www.w3.org/2002/07/owl#"
         xml:base="http://example.org/t">
  <owl:Ontology rdf:about="http://example.org/t"/>
  <owl:Class rdf:about="http://example.org/t#A"/>
  <owl:Class rdf:about="http://example.org/t#B">
    <rdfs:subClassOf rdf:resource="http://example.org/t#A"/>
  </owl:Class>
</rdf:RDF>
""",
    )
    assert check_owl2_dl(path) == []


@requires_java
def test_undeclared_class_and_non_simple_irreflexive_property(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "bad.ttl",
        PREFIXES
        + """\
:A a owl:Class .
:B rdfs:subClassOf :A .
:p a owl:ObjectProperty , owl:TransitiveProperty , owl:IrreflexiveProperty .
""",
    )
    # Sorted, one violation per line.  "Irrefexive" is the OWL API's own spelling.
    assert check_owl2_dl(path) == [
        "Use of non-simple property in IrrefexiveObjectProperty axiom: "
        f"[IrreflexiveObjectProperty(<http://example.org/t#p>) in {ONTOLOGY_ID}]",
        "Use of undeclared class: <http://example.org/t#B> "
        f"[SubClassOf(<http://example.org/t#B> <http://example.org/t#A>) in {ONTOLOGY_ID}]",
    ]


@requires_java
def test_object_and_data_property_punning(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pun.ttl",
        PREFIXES + ":p a owl:ObjectProperty , owl:DatatypeProperty .\n",
    )
    violations = check_owl2_dl(path)
    assert len(violations) == 2
    assert all(
        v.startswith("Cannot pun between properties: <http://example.org/t#p>")
        for v in violations
    )
    assert any("Declaration(ObjectProperty(<http://example.org/t#p>))" in v for v in violations)
    assert any("Declaration(DataProperty(<http://example.org/t#p>))" in v for v in violations)


@requires_java
def test_violation_with_multiline_literal_is_one_line(tmp_path: Path) -> None:
    # An undeclared property used with a literal becomes an annotation
    # assertion in the OWL API's RDF mapping; the literal spans lines.
    path = write(
        tmp_path,
        "multiline.ttl",
        PREFIXES + ':x :note """first\nsecond\r\nthird""" .\n',
    )
    assert check_owl2_dl(path) == [
        "Use of undeclared annotation property: <http://example.org/t#note> "
        '[AnnotationAssertion(<http://example.org/t#note> <http://example.org/t#x> '
        f'"first second third") in {ONTOLOGY_ID}]'
    ]


@requires_java
def test_unparsable_file_raises(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "broken.ttl",
        PREFIXES + ":A a owl:Class\n:B a owl:Class .\n",  # missing "." after :A
    )
    with pytest.raises(ProfileCheckError) as excinfo:
        check_owl2_dl(path)
    message = str(excinfo.value)
    assert "could not parse" in message
    assert "broken.ttl" in message
    # The Turtle parser's report (with position) is part of the message.
    assert "TurtleOntologyParser" in message
    assert "line 7, column 1" in message
    assert excinfo.value.stderr


def test_missing_java_raises(tmp_path: Path) -> None:
    path = write(tmp_path, "ok.ttl", PREFIXES + ":A a owl:Class .\n")
    with pytest.raises(ProfileCheckError, match="Java runtime not found"):
        check_owl2_dl(path, java="no-such-java-executable")
