"""Read the YAML records under ``data/`` into an RDF dataset, owning every file-level error.

Why a hand-made loader instead of JSON-LD: JSON-LD silently drops keys it does not know and turns a label
written where a slug belongs into a link to nowhere. Here every key is checked against ``schema.py``, every
reference is resolved against the records that exist, every value is typed, and each problem is reported
with its file and line (YAML 1.2, so ``No`` stays a string and ``3-7`` is not a number by accident).
Only when the whole tree loads cleanly does the caller get a dataset.

Each record contributes a *core* graph (its type, label, synonyms, definition and tpgraph-owned structure)
and one *claim graph* per facts block, i.e. per source; the provenance graph says which source backs which
graph.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from tpgraph.build.fast_yaml import read_fast
from tpgraph.model import iris
from tpgraph.model.suggestions import did_you_mean
from tpgraph.model.namespaces import ONTOLOGY_GRAPH, PROVENANCE_GRAPH, TP
from tpgraph.model.schema import (
    COMMON_KEYS,
    DEFINITION,
    EXTERNAL_IRIS,
    FACT_BLOCK_KEYS,
    LABEL,
    PROJECT_SOURCE,
    RECORD_TYPES,
    RECORD_TYPES_BY_PLURAL,
    SYNONYM,
    UNVERIFIED,
    XREF_PATTERNS,
    Field,
    Kind,
    NodeSchema,
    RecordType,
)

SLUG = iris.SLUG  # the one slug rule (use fullmatch)
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True, order=True)
class Location:
    """A place in a data file, for error messages (1-based line)."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, said so that the person who wrote the file can fix it."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class DataError(Exception):
    """The data could not be loaded or did not validate; ``problems`` says where and why."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class RecordEntry:
    """What the first pass learns about a record: enough to resolve references to it."""

    type: RecordType
    slug: str
    label: str
    synonyms: tuple[str, ...]
    location: Location
    body: CommentedMap

    @property
    def iri(self) -> URIRef:
        return URIRef(iris.record_iri(self.type.name, self.slug))


@dataclass
class LoadedData:
    """The loaded dataset plus where each subject (and subject/predicate pair) was written."""

    dataset: Dataset
    records: dict[tuple[str, str], RecordEntry]
    locations: dict[tuple[URIRef, URIRef | None], Location] = field(default_factory=dict)
    references: dict[str, set[str]] = field(default_factory=dict)
    file_shas: dict[str, str] = field(default_factory=dict)

    def locate(self, subject: Any, predicate: Any = None) -> Location | None:
        """Where a subject (with this predicate, if known) was written in the data files."""
        if isinstance(subject, URIRef):
            if isinstance(predicate, URIRef) and (subject, predicate) in self.locations:
                return self.locations[(subject, predicate)]
            return self.locations.get((subject, None))
        return None


def data_files(data_dir: Path) -> list[Path]:
    """Every YAML file under the data folder, in a stable order."""
    return sorted(p for p in data_dir.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def read_yaml(raw: bytes, display: str) -> tuple[Any, list[Problem]]:
    """Parse one file's bytes as YAML 1.2, keeping line numbers; a syntax error becomes a Problem.

    libyaml reads the file when it can do so exactly (``fast_yaml``); ruamel reads the rest and words the errors.
    """
    try:
        text = raw.decode("utf-8")
        fast = read_fast(text)
        if fast is not None:
            return fast, []
        return YAML(typ="rt").load(text), []
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        return None, [Problem(Location(display, line), f"not valid YAML: {err.problem or err}")]
    except UnicodeDecodeError:
        return None, [Problem(Location(display, 1), "not UTF-8 text")]


def line_of_key(node: CommentedMap, key: str) -> int:
    try:
        return node.lc.key(key)[0] + 1
    except (KeyError, AttributeError, TypeError):
        return line_of(node)


def line_of_value(node: CommentedMap, key: str) -> int:
    try:
        return node.lc.value(key)[0] + 1
    except (KeyError, AttributeError, TypeError):
        return line_of_key(node, key)


def line_of_item(seq: CommentedSeq, index: int) -> int:
    try:
        return seq.lc.item(index)[0] + 1
    except (KeyError, AttributeError, TypeError, IndexError):
        return line_of(seq)


def line_of(node: Any) -> int:
    try:
        return node.lc.line + 1
    except AttributeError:
        return 1


def suggest(word: str, candidates: Iterable[str]) -> str:
    """A ' did you mean …?' tail, or nothing when no candidate is close."""
    return did_you_mean(word, sorted(set(candidates)), cutoff=0.6, lead=" — ", quote=lambda c: f"'{c}'")


def _a(noun: str) -> str:
    """The noun with its indefinite article, for messages."""
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def slugify(text: str) -> str:
    """A readable slug for a derived IRI fragment (``gluteus maximus`` → ``gluteus-maximus``)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Loader:
    """Two passes over the data tree: index the records, then build triples and collect problems."""

    def __init__(self, data_dir: Path, ontology: Graph, root: Path | None = None):
        self.data_dir = data_dir
        self.ontology = ontology
        self.root = root or data_dir.parent
        self.problems: list[Problem] = []
        self.records: dict[tuple[str, str], RecordEntry] = {}
        self.dataset = Dataset()
        self.locations: dict[tuple[URIRef, URIRef | None], Location] = {}
        self.references: dict[str, set[str]] = {}
        """Per data file, the slugs its references name (resolved or not): an incremental build re-reads a
        file whose references another file's edit may have changed the meaning of."""
        self._file = ""
        self.file_shas: dict[str, str] = {}
        """The SHA-256 of the bytes read of each file (what a cached unit of it is keyed by)."""

    # -- reporting ---------------------------------------------------------------------------------
    def problem(self, location: Location, message: str) -> None:
        self.problems.append(Problem(location, message))

    def display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    # -- pass 1 --------------------------------------------------------------------------------------
    def index(self, known: dict[str, list[RecordEntry]] | None = None) -> list[tuple[RecordEntry, str]]:
        """Every record of every file, in file order; a file in ``known`` (by its display path) is not read:
        its records are taken as given (an incremental build's cache) and checked like read ones."""
        entries: list[tuple[RecordEntry, str]] = []
        for path in data_files(self.data_dir):
            display = self.display(path)
            if known is not None and display in known:
                entries.extend((entry, display) for entry in known[display] if self.admit(entry))
                continue
            raw = path.read_bytes()
            self.file_shas[display] = hashlib.sha256(raw).hexdigest()
            doc, problems = read_yaml(raw, display)
            self.problems.extend(problems)
            if doc is None:
                if not problems:
                    self.problem(Location(display, 1), "the file is empty")
                continue
            if not isinstance(doc, CommentedMap) or len(doc) != 1:
                self.problem(
                    Location(display, 1),
                    "a data file holds exactly one top-level key naming its records "
                    f"({', '.join(sorted(RECORD_TYPES_BY_PLURAL))})",
                )
                continue
            (plural,) = doc.keys()
            rtype = RECORD_TYPES_BY_PLURAL.get(plural)
            if rtype is None:
                self.problem(
                    Location(display, line_of_key(doc, plural)),
                    f"unknown record list '{plural}'{suggest(str(plural), RECORD_TYPES_BY_PLURAL)}",
                )
                continue
            items = doc[plural]
            if not isinstance(items, CommentedSeq):
                self.problem(Location(display, line_of_key(doc, plural)), f"'{plural}' must be a list of records")
                continue
            for i, body in enumerate(items):
                loc = Location(display, line_of_item(items, i))
                entry = self.index_record(rtype, body, loc)
                if entry is not None:
                    entries.append((entry, display))
        self.check_unique_names(entries)
        return entries

    def require_project_source(self) -> None:
        """The index must hold tpgraph's own source, which every core graph cites."""
        if ("source", PROJECT_SOURCE) not in self.records:
            self.problem(Location(self.display(self.data_dir), 1),
                         f"data/sources/ must define the source '{PROJECT_SOURCE}' (tpgraph's own definitions)")

    def index_record(self, rtype: RecordType, body: Any, loc: Location) -> RecordEntry | None:
        if not isinstance(body, CommentedMap):
            self.problem(loc, f"each {rtype.name} must be a mapping with at least 'id' and 'label'")
            return None
        slug, label = body.get("id"), body.get("label")
        ok = True
        if not isinstance(slug, str) or not SLUG.fullmatch(slug):
            where = Location(loc.file, line_of_value(body, "id")) if "id" in body else loc
            self.problem(
                where,
                f"{rtype.name} id must be a slug of lower-case letters, digits and hyphens "
                f"(got {slug!r}" + (f"; try '{slugify(slug)}')" if isinstance(slug, str) else ")"),
            )
            ok = False
        if not isinstance(label, str) or not label.strip():
            self.problem(loc, f"{rtype.name} '{slug}' needs a label (text)")
            ok = False
        synonyms = body.get("synonyms", [])
        if isinstance(synonyms, str):
            synonyms = [synonyms]
        if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
            self.problem(Location(loc.file, line_of_key(body, "synonyms")), "synonyms must be a list of text")
            synonyms = []
        if not ok:
            return None
        entry = RecordEntry(rtype, slug, label.strip(), tuple(s.strip() for s in synonyms), loc, body)
        return entry if self.admit(entry) else None

    def admit(self, entry: RecordEntry) -> bool:
        """Add a record to the index unless its id is taken (said at the later of the two)."""
        key = (entry.type.name, entry.slug)
        if key in self.records:
            first = self.records[key].location
            self.problem(entry.location, f"{entry.type.name} id '{entry.slug}' is already used at {first}")
            return False
        self.records[key] = entry
        return True

    def check_unique_names(self, entries: list[tuple[RecordEntry, str]]) -> None:
        """Labels are unique within a type, and a synonym may not name two records of a type."""
        seen: dict[tuple[str, str], RecordEntry] = {}
        for entry, _ in entries:
            names = [(entry.label, "label")] + [(s, "synonym") for s in entry.synonyms]
            own: set[str] = set()
            for name, what in names:
                norm = name.casefold()
                if norm in own:
                    continue
                own.add(norm)
                other = seen.get((entry.type.name, norm))
                if other is not None and other is not entry:
                    self.problem(
                        entry.location,
                        f"{what} '{name}' of {entry.type.name} '{entry.slug}' is already a label or synonym of "
                        f"{entry.type.name} '{other.slug}' ({other.location}); names must be unique within a type",
                    )
                else:
                    seen[(entry.type.name, norm)] = entry

    # -- pass 2 --------------------------------------------------------------------------------------
    def build(self, entries: list[tuple[RecordEntry, str]], link_roots: bool = True) -> None:
        """Pass 2 over ``entries``; ``link_roots`` orders the roots, which needs every root's file read."""
        provenance = self.dataset.graph(PROVENANCE_GRAPH)
        for entry, display in entries:
            self._file = display
            self.references.setdefault(display, set())
            self.build_record(entry, display, provenance)
        if link_roots:
            self.link_roots()

    def note_location(self, subject: URIRef, predicate: URIRef | None, loc: Location) -> None:
        self.locations.setdefault((subject, predicate), loc)

    def build_record(self, entry: RecordEntry, display: str, provenance: Graph) -> None:
        rtype, body, subject = entry.type, entry.body, entry.iri
        allowed = set(COMMON_KEYS) | {f.key for f in rtype.core}
        for key in body:
            if key not in allowed:
                hint = ""
                if rtype.fact_field(str(key)) is not None:
                    hint = f" — '{key}' is a sourced claim: put it in a facts block under its source"
                else:
                    hint = suggest(str(key), allowed)
                self.problem(
                    Location(display, line_of_key(body, key)), f"unknown key '{key}' in {rtype.name} '{entry.slug}'{hint}"
                )
        if "facts" in body and not rtype.sourced:
            self.problem(Location(display, line_of_key(body, "facts")), f"a {rtype.name} has no facts blocks")

        core = self.dataset.graph(URIRef(iris.core_graph_iri(rtype.name, entry.slug)))
        self.note_location(subject, None, entry.location)
        core.add((subject, RDF.type, rtype.rdf_class))
        core.add((subject, RDF.type, OWL.NamedIndividual))
        core.add((subject, LABEL, Literal(entry.label, lang="en")))
        for synonym in entry.synonyms:
            core.add((subject, SYNONYM, Literal(synonym, lang="en")))
        if "synonyms" in body:
            self.note_location(subject, SYNONYM, Location(display, line_of_key(body, "synonyms")))
        if "definition" in body:
            text = self.text(body["definition"], Location(display, line_of_value(body, "definition")), "definition")
            if text is not None:
                core.add((subject, DEFINITION, Literal(text, lang="en")))
        for fld in rtype.core:
            if fld.key in body:
                self.emit(core, subject, fld, body, display, entry)
            elif fld.required:
                tail = f" ({fld.help})" if fld.help else ""
                self.problem(entry.location, f"{rtype.name} '{entry.slug}' needs '{fld.key}'{tail}")
        self.describe_graph(provenance, core.identifier, subject, PROJECT_SOURCE, entry.location)

        if body.get("facts") is None:
            return
        facts = body["facts"]
        if not isinstance(facts, CommentedSeq):
            self.problem(Location(display, line_of_key(body, "facts")), "'facts' must be a list of blocks, one per source")
            return
        used_sources: dict[str, Location] = {}
        for i, block in enumerate(facts):
            loc = Location(display, line_of_item(facts, i))
            self.build_fact_block(entry, block, loc, display, used_sources, provenance)

    def build_fact_block(
        self,
        entry: RecordEntry,
        block: Any,
        loc: Location,
        display: str,
        used_sources: dict[str, Location],
        provenance: Graph,
    ) -> None:
        rtype = entry.type
        if not isinstance(block, CommentedMap):
            self.problem(loc, "a facts block must be a mapping starting with 'source:'")
            return
        source_slug = self.block_source(block, loc, display)
        if source_slug is None:
            return
        if source_slug in used_sources:
            self.problem(
                loc, f"a second facts block for source '{source_slug}' (first at {used_sources[source_slug]}); merge them"
            )
            return
        used_sources[source_slug] = loc
        graph = self.dataset.graph(URIRef(iris.claim_graph_iri(rtype.name, entry.slug, source_slug)))
        allowed = {f.key for f in rtype.facts} | set(FACT_BLOCK_KEYS)
        for key in block:
            if key in FACT_BLOCK_KEYS:
                continue
            fld = rtype.fact_field(str(key))
            if fld is None:
                hint = suggest(str(key), allowed)
                if not hint and rtype.core_field(str(key)) is not None:
                    hint = f" — '{key}' belongs to the {rtype.name} itself, outside the facts blocks"
                self.problem(
                    Location(display, line_of_key(block, key)),
                    f"unknown key '{key}' in a facts block of {rtype.name} '{entry.slug}'{hint}",
                )
                continue
            self.emit(graph, entry.iri, fld, block, display, entry)
        self.describe_graph(provenance, graph.identifier, entry.iri, source_slug, loc)
        if "note" in block:
            note = self.text(block["note"], Location(display, line_of_value(block, "note")), "note")
            if note is not None:
                provenance.add((graph.identifier, TP.note, Literal(note, lang="en")))
        if "pages" in block:
            raw = block["pages"]
            raw = str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw
            pages = self.text(raw, Location(display, line_of_value(block, "pages")), "pages")
            if pages is not None:
                provenance.add((graph.identifier, TP.pages, Literal(pages)))

    def block_source(self, block: CommentedMap, loc: Location, display: str) -> str | None:
        """The slug naming the block's graph: the cited source, or ``unverified``."""
        has_source, evidence = "source" in block, block.get("evidence")
        if has_source and evidence is not None:
            self.problem(loc, "a facts block has either a 'source' or 'evidence: unverified', not both")
            return None
        if evidence is not None:
            if evidence != UNVERIFIED:
                self.problem(
                    Location(display, line_of_value(block, "evidence")),
                    f"evidence can only be '{UNVERIFIED}' (for general knowledge no consulted source backs); "
                    "cite a consulted source with 'source:' instead",
                )
                return None
            return UNVERIFIED
        if not has_source:
            self.problem(
                loc,
                "this facts block names no source: add 'source: <id of a record in data/sources/>' "
                f"or, for general knowledge not checked against a source, 'evidence: {UNVERIFIED}'",
            )
            return None
        target = self.resolve(block["source"], ("source",), Location(display, line_of_value(block, "source")), "source")
        if target is None:
            return None
        return target.slug

    def describe_graph(self, provenance: Graph, graph: URIRef, about: URIRef, source_slug: str, loc: Location) -> None:
        provenance.add((graph, RDF.type, TP.ClaimGraph))
        provenance.add((graph, RDF.type, OWL.NamedIndividual))
        provenance.add((graph, TP.claimsAbout, about))
        if source_slug == UNVERIFIED:
            provenance.add((graph, TP.hasEvidence, TP.Unverified))
        else:
            provenance.add((graph, DCTERMS.source, URIRef(iris.record_iri("source", source_slug))))
            provenance.add((graph, TP.hasEvidence, TP.SourceStated))
        self.note_location(graph, None, loc)

    # -- values ----------------------------------------------------------------------------------------
    def emit(
        self,
        graph: Graph,
        subject: URIRef,
        fld: Field,
        container: CommentedMap,
        display: str,
        entry: RecordEntry,
        node: CommentedMap | None = None,
    ) -> None:
        """Turn one key of a mapping into triples on ``subject`` (recursing into nested nodes)."""
        raw = container[fld.key]
        key_loc = Location(display, line_of_key(container, fld.key))
        if fld.predicate is not None:
            self.note_location(subject, fld.predicate, key_loc)
        values: list[tuple[Any, Location]]
        if isinstance(raw, CommentedSeq):
            if not fld.many:
                self.problem(key_loc, f"'{fld.key}' takes one value, not a list")
                return
            values = [(v, Location(display, line_of_item(raw, i))) for i, v in enumerate(raw)]
        else:
            values = [(raw, Location(display, line_of_value(container, fld.key)))]
        if fld.required and not values:
            self.problem(key_loc, f"'{fld.key}' needs at least one value")
        for value, loc in values:
            obj = self.value(fld, value, loc, display, entry, subject, graph, container if node is None else node)
            if obj is not None and fld.predicate is not None:
                graph.add((subject, fld.predicate, obj))

    def value(
        self,
        fld: Field,
        value: Any,
        loc: Location,
        display: str,
        entry: RecordEntry,
        subject: URIRef,
        graph: Graph,
        container: CommentedMap,
    ) -> URIRef | Literal | None:
        kind = fld.kind
        if kind is Kind.TEXT:
            text = self.text(value, loc, fld.key)
            return None if text is None else Literal(text, lang="en")
        if kind is Kind.WORD:
            text = self.text(value, loc, fld.key)
            language = container.get("language")
            if text is None or not isinstance(language, str) or not LANGUAGE_TAG.match(language):
                if text is not None:
                    self.problem(loc, "an etymon needs 'language' as a language tag such as 'la' or 'grc'")
                return None
            return Literal(text, lang=language)
        if kind is Kind.LANGUAGE:
            if not isinstance(value, str) or not LANGUAGE_TAG.match(value):
                self.problem(loc, f"'{fld.key}' must be a language tag such as 'la' (Latin) or 'grc' (Ancient Greek)")
            return None
        if kind in (Kind.DECIMAL, Kind.INTEGER):
            return self.number(fld, value, loc)
        if kind is Kind.BOOLEAN:
            if isinstance(value, bool):
                return Literal(value)
            if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
                return Literal(value.strip().lower() == "yes")
            self.problem(loc, f"'{fld.key}' must be true or false (or yes/no), got {value!r}")
            return None
        if kind is Kind.DATE:
            if isinstance(value, dt.date):
                return Literal(value.isoformat(), datatype=XSD.date)
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return Literal(value, datatype=XSD.date)
            self.problem(loc, f"'{fld.key}' must be a date written YYYY-MM-DD, got {value!r}")
            return None
        if kind is Kind.IRI:
            if isinstance(value, str) and re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value):
                return URIRef(value)
            self.problem(loc, f"'{fld.key}' must be an absolute http(s) address, got {value!r}")
            return None
        if kind is Kind.CURIE:
            prefix, _, local = str(value).partition(":")
            if prefix in EXTERNAL_IRIS and re.fullmatch(EXTERNAL_IRIS[prefix][0], local):
                return URIRef(EXTERNAL_IRIS[prefix][1] + local)
            known = " or ".join(f"{p}:{'0' * 7}" for p in EXTERNAL_IRIS)
            self.problem(loc, f"'{fld.key}' takes a compact identifier such as {known}, got {value!r}")
            return None
        if kind is Kind.XREF:
            prefix, _, local = str(value).partition(":")
            if prefix in XREF_PATTERNS and re.fullmatch(XREF_PATTERNS[prefix], local):
                return Literal(str(value))
            self.problem(loc, f"'{fld.key}' takes a code such as FMA:18060 or ICD10CM:M43.1, got {value!r}")
            return None
        if kind is Kind.ENUM:
            names = dict(fld.choices)
            if isinstance(value, str) and value in names:
                return names[value]
            tail = suggest(str(value), names) or f" (one of: {', '.join(names)})"
            self.problem(loc, f"'{fld.key}' cannot be {value!r}{tail}")
            return None
        if kind is Kind.REF:
            if fld.qualifier is not None and isinstance(value, CommentedMap):
                return self.qualified(fld.qualifier, value, loc, display, entry, subject, graph)
            target = self.resolve(value, fld.targets, loc, fld.key)
            return None if target is None else target.iri
        if kind is Kind.NESTED:
            assert fld.nested is not None
            return self.nested(fld.nested, value, loc, display, entry, graph)
        raise AssertionError(kind)

    def text(self, value: Any, loc: Location, key: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
        self.problem(loc, f"'{key}' must be text, got {value!r}" + (" (quote it)" if value is not None else ""))
        return None

    def number(self, fld: Field, value: Any, loc: Location) -> Literal | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            tail = ""
            if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*[-–]\s*\d+(\.\d+)?\s*", value):
                tail = " — write a range as two numbers, e.g. extent_min_cm: 3 and extent_max_cm: 7"
            self.problem(loc, f"'{fld.key}' must be a number, got {value!r}{tail}")
            return None
        if fld.kind is Kind.INTEGER:
            if isinstance(value, float):
                self.problem(loc, f"'{fld.key}' must be a whole number, got {value!r}")
                return None
            return Literal(value, datatype=XSD.integer)
        try:
            return Literal(Decimal(str(value)), datatype=XSD.decimal)
        except InvalidOperation:
            self.problem(loc, f"'{fld.key}' must be a number, got {value!r}")
            return None

    def nested(
        self, schema: NodeSchema, value: Any, loc: Location, display: str, entry: RecordEntry, graph: Graph
    ) -> URIRef | None:
        if not isinstance(value, CommentedMap):
            self.problem(loc, f"each {schema.name} must be a mapping of its keys ({', '.join(f.key for f in schema.fields)})")
            return None
        for key in value:
            if schema.field(str(key)) is None:
                self.problem(
                    Location(display, line_of_key(value, key)),
                    f"unknown key '{key}' in a {schema.name}{suggest(str(key), [f.key for f in schema.fields])}",
                )
        missing = [f for f in schema.fields if f.required and f.key not in value]
        if missing:
            wanted = ", ".join(f"'{f.key}'" + (f" ({f.help})" if f.help else "") for f in missing)
            self.problem(loc, f"this {schema.name} needs {wanted}")
            if any(f.key == "id" or f.key in schema.id_from for f in missing):
                return None
        fragment = self.fragment(schema, value, loc, graph)
        if fragment is None:
            return None
        node = URIRef(f"{entry.iri}#{schema.prefix}-{fragment}")
        if (node, None) in self.locations:
            self.problem(loc, f"{schema.name} '{fragment}' appears twice in {entry.type.name} '{entry.slug}' "
                         f"(first at {self.locations[(node, None)]}); give each one its own id")
            return None
        self.note_location(node, None, loc)
        graph.add((node, RDF.type, schema.rdf_class))
        graph.add((node, RDF.type, OWL.NamedIndividual))
        for fld in schema.fields:
            if fld.key in value and fld.key != "id":
                self.emit(graph, node, fld, value, display, entry, node=value)
        return node

    def qualified(
        self, schema: NodeSchema, value: CommentedMap, loc: Location, display: str, entry: RecordEntry,
        subject: URIRef, graph: Graph,
    ) -> URIRef | None:
        """A reference written with its qualifier (``{action: …, when: …}``): the qualifier node, linked to the
        subject, and the plain reference, so queries that ignore qualifiers still find it."""
        node = self.nested(schema, value, loc, display, entry, graph)
        if node is None:
            return None
        assert schema.link is not None
        graph.add((subject, schema.link, node))
        target = schema.fields[0].predicate
        return next((o for o in graph.objects(node, target) if isinstance(o, URIRef)), None)

    def fragment(self, schema: NodeSchema, value: CommentedMap, loc: Location, graph: Graph) -> str | None:
        """The node's IRI fragment: its written id, or one made from its values and the citing source.

        A made id carries the source (``technique-dry-needling--nat-treating-pectineus``) because two sources
        may each judge the same technique or state the same antagonism, and disagree.
        """
        if schema.id_from:
            parts = [value.get(k) for k in schema.id_from]
            if not all(isinstance(p, str) for p in parts):
                return None
            source = str(graph.identifier).rsplit("/", 1)[-1]
            return "-".join(slugify(p.split("/")[-1]) for p in parts) + "--" + source
        node_id = value.get("id")
        if not isinstance(node_id, str) or not SLUG.fullmatch(node_id):
            self.problem(loc, f"{schema.name} id must be a slug of lower-case letters, digits and hyphens, got {node_id!r}")
            return None
        return node_id

    # -- references --------------------------------------------------------------------------------------
    def resolve(self, value: Any, targets: tuple[str, ...], loc: Location, key: str) -> RecordEntry | None:
        """Find the record a reference names, or say precisely why it cannot be found."""
        wanted = " or ".join(RECORD_TYPES[t].noun for t in targets)
        if not isinstance(value, str):
            self.problem(loc, f"'{key}' must name a {wanted} by its id, got {value!r}")
            return None
        types: tuple[str, ...] = targets
        prefix, slash, slug = value.partition("/")
        if not slash:
            prefix, slug = "", value
        self.references.setdefault(self._file, set()).add(slug)
        if slash:
            if prefix not in targets:
                self.problem(loc, f"'{key}' takes {_a(wanted)}, not {_a(RECORD_TYPES[prefix].noun) if prefix in RECORD_TYPES else repr(prefix)}")
                return None
            types = (prefix,)
        if not SLUG.fullmatch(slug):
            named = self.by_name(slug, types)
            if named is not None:
                self.problem(
                    loc, f"'{value}' is the label of {named.type.name} '{named.slug}'; write its id '{named.slug}' here"
                )
            else:
                self.problem(loc, f"'{value}' is not an id (ids are lower-case slugs such as 'psoas-major')"
                                  f"{suggest(slugify(slug), self.slugs(types))}")
            return None
        found = [self.records[(t, slug)] for t in types if (t, slug) in self.records]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            options = " or ".join(f"'{f.type.name}/{slug}'" for f in found)
            self.problem(loc, f"'{slug}' is ambiguous here; write {options}")
            return None
        elsewhere = [t for t in RECORD_TYPES if (t, slug) in self.records]
        if elsewhere:
            self.problem(loc, f"'{slug}' is {_a(RECORD_TYPES[elsewhere[0]].noun)}, but '{key}' takes {_a(wanted)}")
        else:
            self.problem(loc, f"no {wanted} with id '{slug}'{suggest(slug, self.slugs(types))}")
        return None

    def slugs(self, types: tuple[str, ...]) -> Iterator[str]:
        return (slug for (t, slug) in self.records if t in types)

    def by_name(self, name: str, types: tuple[str, ...]) -> RecordEntry | None:
        norm = name.casefold()
        for entry in self.records.values():
            if entry.type.name in types and norm in {entry.label.casefold(), *(s.casefold() for s in entry.synonyms)}:
                return entry
        return None

    # -- tpgraph-owned structure ---------------------------------------------------------------------------
    def link_roots(self) -> None:
        """Order the spinal nerve roots into a series by their ordinals (``nextRoot``)."""
        roots = [e for e in self.records.values() if e.type.name == "root"]
        by_ordinal: dict[int, RecordEntry] = {}
        for entry in roots:
            ordinal = entry.body.get("ordinal")
            if not isinstance(ordinal, int) or isinstance(ordinal, bool):
                continue
            if ordinal in by_ordinal:
                self.problem(entry.location, f"root ordinal {ordinal} is also used by '{by_ordinal[ordinal].slug}'")
                continue
            by_ordinal[ordinal] = entry
        for ordinal, entry in by_ordinal.items():
            following = by_ordinal.get(ordinal + 1)
            if following is not None:
                self.dataset.graph(URIRef(iris.core_graph_iri("root", entry.slug))).add((entry.iri, TP.nextRoot, following.iri))


def load_ontology(path: Path) -> Graph:
    """Parse the ontology Turtle, turning a syntax error into a located Problem."""
    graph = Graph()
    if not path.is_file():  # rdflib would report a file URI it made up from a relative path
        raise DataError([Problem(Location(path.name, 1), f"no ontology at {path.resolve()}: is the project folder "
                                                         "(--root) the one holding ontology/ and data/?")])
    try:
        graph.parse(path, format="turtle")
    except Exception as err:  # rdflib raises several parser exception types
        raise DataError([Problem(Location(path.name, 1), f"the ontology does not parse: {err}")]) from err
    return graph


def load(data_dir: Path, ontology_path: Path) -> LoadedData:
    """Load the ontology and every data file into one dataset; raise DataError listing every problem."""
    ontology = load_ontology(ontology_path)
    loader = Loader(data_dir, ontology)
    entries = loader.index()
    loader.require_project_source()
    loader.build(entries)
    if loader.problems:
        raise DataError(loader.problems)
    ontology_graph = loader.dataset.graph(ONTOLOGY_GRAPH)
    for triple in ontology:
        ontology_graph.add(triple)
    return LoadedData(loader.dataset, loader.records, loader.locations, loader.references, loader.file_shas)
