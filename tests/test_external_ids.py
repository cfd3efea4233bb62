"""Links out: every Uberon, MONDO, FMA and ICD-10-CM identifier on a record is well formed and comes from the
checked table (reference/external-ids.tsv, each row seen in the named public source), with a matching label."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from tpgraph.model.namespaces import ID_BASE
from tpgraph.store.embedded import OxigraphStore

REPO = Path(__file__).resolve().parents[1]
TABLE = REPO / "reference" / "external-ids.tsv"
OBO = "http://purl.obolibrary.org/obo/"
FORMATS = {
    "UBERON": re.compile(r"UBERON:\d{7}"),
    "MONDO": re.compile(r"MONDO:\d{7}"),
    "FMA": re.compile(r"FMA:\d{1,6}"),
    "ICD10CM": re.compile(r"ICD10CM:[A-Z]\d{2}(\.[0-9A-Z]{1,4})?"),
}
STOP = {"muscle", "muscles", "group", "the", "of", "a", "structure"}
SINGULAR = {"rami": "ramus", "nerves": "nerve", "processes": "process"}


def words(label: str) -> set[str]:
    """A label as a set of content words (parenthesised remarks dropped, plurals made singular)."""
    label = re.sub(r"\([^)]*\)", " ", label.lower())
    return {SINGULAR.get(w, w) for w in re.findall(r"[a-z0-9]+", label)} - STOP


def checked_table() -> dict[str, set[str]]:
    """Identifier → labels it was seen with, from verified rows (the row label, and 'ID label' pairs in notes)."""
    seen: dict[str, set[str]] = {}
    with TABLE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["verified"] != "yes":
                continue
            for column in ("uberon", "fma", "mondo", "icd10"):
                for identifier in re.findall(r"[A-Z0-9]+:[A-Z0-9.]+", row[column]):
                    seen.setdefault(identifier, set()).add(row["label"])
            for identifier, label in re.findall(r"(UBERON:\d{7}) ([a-z][a-z ]+?)(?=[;,(]|$)", row["other"]):
                seen.setdefault(identifier, set()).add(label.strip())
    return seen


def links(store: OxigraphStore) -> list[tuple[str, str, str, str]]:
    """(record, its label, kind of link, identifier as a CURIE) for every link out in the built graph."""
    rows = store.select("""
        SELECT ?record ?label ?property ?target WHERE {
          VALUES ?property { skos:exactMatch skos:closeMatch <http://www.geneontology.org/formats/oboInOwl#hasDbXref> }
          ?record ?property ?target ; rdfs:label ?label .
        }""")
    found = []
    for record, label, prop, target in rows:
        curie = target.value.removeprefix(OBO).replace("_", ":", 1) if isinstance(target, ox.NamedNode) else target.value
        found.append((record.value.rsplit("/id/", 1)[1], label.value, prop.value.rsplit("#", 1)[1], curie))
    return sorted(found)


def test_every_identifier_is_well_formed_and_checked(store: OxigraphStore) -> None:
    table = checked_table()
    found = links(store)
    assert len(found) == len(identifiers_in_data())
    for record, label, kind, curie in found:
        prefix = curie.split(":", 1)[0]
        assert FORMATS[prefix].fullmatch(curie), f"{record}: malformed {curie}"
        assert curie in table, f"{record}: {curie} is not in the checked table"
        if kind != "closeMatch":
            names = [label, *synonyms(store, record)]
            assert any(words(name) <= words(seen) or words(seen) <= words(name)
                       for name in names for seen in table[curie]), (
                f"{record} '{label}' does not match {curie} {sorted(table[curie])}")


def synonyms(store: OxigraphStore, record: str) -> list[str]:
    """A record's synonyms: the checked table may hold the Latin name a record keeps as a synonym."""
    rows = store.select(f"SELECT ?s WHERE {{ <{ID_BASE}{record}> skos:altLabel ?s }}")
    return [row[0].value for row in rows]


def test_uberon_links_are_obo_iris_and_fma_codes_are_dbxrefs(store: OxigraphStore) -> None:
    found = links(store)
    assert ("muscle/psoas-major", "psoas major", "exactMatch", "UBERON:0001298") in found
    assert ("muscle/psoas-major", "psoas major", "hasDbXref", "FMA:18060") in found
    assert ("condition/sciatica", "sciatica", "hasDbXref", "ICD10CM:M54.3") in found
    assert ("nerve/lumbar-ventral-rami", "ventral rami of the lumbar spinal nerves", "closeMatch", "UBERON:0006838") in found
    iri = store.select("SELECT ?t WHERE { muscle:psoas-major skos:exactMatch ?t }")
    assert [row[0] for row in iri] == [ox.NamedNode("http://purl.obolibrary.org/obo/UBERON_0001298")]


def test_every_muscle_with_a_checked_uberon_term_links_to_it(store: OxigraphStore) -> None:
    """A gap is allowed only where the table has no verified Uberon term of that name (multifidus)."""
    rows = store.select("""SELECT ?m ?label WHERE { ?m a tp:Muscle ; rdfs:label ?label
                                                 FILTER NOT EXISTS { ?m skos:exactMatch ?u } }""")
    gaps = {row[0].value.rsplit("/", 1)[1]: row[1].value for row in rows}
    assert "multifidus" in gaps
    uberon_muscles = [row["label"] for row in csv.DictReader(TABLE.open(encoding="utf-8"), delimiter="\t")
                      if row["kind"] == "muscle" and row["uberon"] and row["verified"] == "yes"]
    assert [slug for slug, label in gaps.items() if any(words(label) == words(seen) for seen in uberon_muscles)] == []


def identifiers_in_data() -> list[str]:
    """Every identifier written in the data files' exact_match, close_match and xrefs lists."""
    found = []
    for path in (REPO / "data").rglob("*.yaml"):
        found += re.findall(r"(?:exact_match|close_match|xrefs): \[([^\]]*)\]", path.read_text(encoding="utf-8"))
    return [i.strip() for line in found for i in line.split(",") if i.strip()]


@pytest.mark.parametrize(("value", "message"), [
    ("UBERON:12345", "'exact_match' takes a compact identifier such as UBERON:0000000 or MONDO:0000000, got 'UBERON:12345'"),
    ("http://purl.obolibrary.org/obo/UBERON_0001298", "'exact_match' takes a compact identifier such as "
     "UBERON:0000000 or MONDO:0000000, got 'http://purl.obolibrary.org/obo/UBERON_0001298'"),
])
def test_malformed_identifiers_are_refused(tmp_path: Path, value: str, message: str, make_project) -> None:

    from tpgraph.build.loader import DataError, load

    paths = make_project(tmp_path)
    record = paths.data / "muscles" / "psoas-minor.yaml"
    text = record.read_text(encoding="utf-8").replace("exact_match: [UBERON:0001372]", f"exact_match: ['{value}']")
    record.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load(paths.data, paths.ontology)
    assert [p.message for p in caught.value.problems] == [message]


def test_sssom_export(built, store: OxigraphStore) -> None:
    """dist/tpgraph.sssom.tsv: a YAML metadata block, the required columns, one row per link, known prefixes."""
    from ruamel.yaml import YAML

    text = (built.out_dir / "tpgraph.sssom.tsv").read_text(encoding="utf-8")
    header = [line[2:] for line in text.splitlines() if line.startswith("# ")]
    metadata = YAML(typ="safe").load("\n".join(header))
    assert metadata["mapping_set_id"] == "https://w3id.org/tpgraph/releases/0.1.0/tpgraph.sssom.tsv"
    assert metadata["license"] == "https://creativecommons.org/licenses/by/4.0/"
    body = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    columns, rows = body[0], [dict(zip(body[0], row, strict=True)) for row in body[1:]]
    assert columns[:4] == ["subject_id", "subject_label", "predicate_id", "object_id"]
    assert "mapping_justification" in columns
    assert len(rows) == len(links(store))
    for row in rows:
        for column in ("subject_id", "predicate_id", "object_id", "mapping_justification"):
            assert row[column].split(":", 1)[0] in metadata["curie_map"], row
    assert {"subject_id": "tpgraph:muscle/psoas-major", "subject_label": "psoas major", "predicate_id": "skos:exactMatch",
            "object_id": "UBERON:0001298", "mapping_justification": "semapv:ManualMappingCuration",
            "subject_type": "owl named individual"} in rows


def test_the_import_module_is_up_to_date(built, tmp_path: Path) -> None:
    """ontology/imports/external.ttl is what `tpgraph imports` makes from the checked table and the data."""
    from tpgraph.build.outputs import parse_nquads
    from tpgraph.build.protege_module import write_module

    quads = parse_nquads((built.out_dir / "tpgraph.nq").read_text(encoding="utf-8"))
    fresh = tmp_path / "external.ttl"
    assert write_module(quads, TABLE, fresh) == 120
    assert fresh.read_bytes() == (REPO / "ontology" / "imports" / "external.ttl").read_bytes()
