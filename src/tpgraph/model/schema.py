"""The YAML data contract: which keys each kind of record may have and what each becomes in RDF.

This table is the single mapping from YAML keys to ontology terms (the role a JSON-LD context would play; see
docs/decisions/20261125-yaml-schema-and-provenance.md). The loader reads it to reject unknown keys, resolve
references and type values; the builder reads it to emit triples; a test checks every predicate and class here
against ``ontology/tpgraph.ttl``.

A record file has one top-level key, the plural of a record type (``muscles:``), holding a list of records.
A record has ``id``, ``label``, optional ``synonyms`` and ``definition``, the type's *core* keys (the
definition of the thing, owned by tpgraph) and a list of ``facts`` blocks, each naming the ``source`` that
states its claims (or ``evidence: unverified``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from rdflib import RDFS, SKOS, URIRef
from rdflib.namespace import DCTERMS

from tpgraph.model.namespaces import TP


class Kind(Enum):
    """How a YAML value becomes an RDF object."""

    TEXT = "text"  # an English string literal
    WORD = "word"  # a string literal tagged with the language named by the node's `language` key
    LANGUAGE = "language"  # a BCP 47 tag consumed by WORD; emits no triple of its own
    DECIMAL = "decimal"  # xsd:decimal (ints and floats written in YAML)
    INTEGER = "integer"  # xsd:integer
    BOOLEAN = "boolean"  # xsd:boolean; also accepts the strings yes/no, as technique tables write them
    DATE = "date"  # xsd:date, written YYYY-MM-DD
    IRI = "iri"  # an absolute http(s) address
    REF = "ref"  # the slug of a record of one of `targets`, or "type/slug"
    ENUM = "enum"  # one of a fixed set of names, each mapped to an IRI
    NESTED = "nested"  # a node of its own, with an IRI derived from its record
    CURIE = "curie"  # a compact identifier of an ontology in EXTERNAL_IRIS, written as its IRI
    XREF = "xref"  # a compact identifier of a terminology in XREF_PATTERNS, kept as a string (OBO dbxref)


@dataclass(frozen=True)
class Field:
    """One YAML key: its RDF predicate, value kind and cardinality."""

    key: str
    predicate: URIRef | None
    kind: Kind
    many: bool = False
    required: bool = False
    targets: tuple[str, ...] = ()
    choices: tuple[tuple[str, URIRef], ...] = ()
    nested: NodeSchema | None = None
    qualifier: NodeSchema | None = None
    help: str = ""


@dataclass(frozen=True)
class NodeSchema:
    """A nested node (trigger point, zone, antagonism…): its class, fields and how its IRI fragment is made.

    The fragment is ``<prefix>-<id>``; ``id`` is written in YAML unless ``id_from`` names the keys whose
    values make it, with the citing source (``antagonism-gluteus-maximus-hip-flexion--nat-treating-psoas``), so
    IRIs are stable and readable and two sources never share a node.
    """

    name: str
    rdf_class: URIRef
    prefix: str
    fields: tuple[Field, ...]
    id_from: tuple[str, ...] = ()
    link: URIRef | None = None  # a qualifier node: the property from its subject; its first field is the reference

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


@dataclass(frozen=True)
class RecordType:
    """A kind of record: its class, IRI path segment, YAML list key and allowed keys."""

    name: str
    plural: str
    rdf_class: URIRef
    noun: str
    core: tuple[Field, ...] = ()
    facts: tuple[Field, ...] = ()
    sourced: bool = True
    help: str = ""

    def core_field(self, key: str) -> Field | None:
        return next((f for f in self.core if f.key == key), None)

    def fact_field(self, key: str) -> Field | None:
        return next((f for f in self.facts if f.key == key), None)


EXTERNAL_IRIS: dict[str, tuple[str, str]] = {
    "UBERON": (r"\d{7}", "http://purl.obolibrary.org/obo/UBERON_"),
    "MONDO": (r"\d{7}", "http://purl.obolibrary.org/obo/MONDO_"),
}
"""Ontologies a record may match: the local-id pattern and the IRI prefix of each (OBO PURLs)."""

XREF_PATTERNS: dict[str, str] = {
    "FMA": r"\d{1,6}",
    "ICD10CM": r"[A-Z]\d{2}(?:\.[0-9A-Z]{1,4})?",
}
"""Terminologies cross-referenced by code: the local-id pattern of each."""

OBO_IN_OWL_XREF = URIRef("http://www.geneontology.org/formats/oboInOwl#hasDbXref")

MAPPINGS: tuple[Field, ...] = (
    Field("exact_match", SKOS.exactMatch, Kind.CURIE, many=True,
          help="the same entity in Uberon or MONDO, e.g. UBERON:0001298; only identifiers from the checked table"),
    Field("close_match", SKOS.closeMatch, Kind.CURIE, many=True,
          help="a near but not identical Uberon or MONDO entity"),
    Field("xrefs", OBO_IN_OWL_XREF, Kind.XREF, many=True, help="FMA or ICD-10-CM codes, e.g. FMA:18060, ICD10CM:M43.1"),
)
"""Links out, on the record itself (tpgraph's own assertion, checked against the sources of
shared/reference/external-ids.tsv)."""

COMMON_KEYS = ("id", "label", "synonyms", "definition", "facts")
"""Keys every record may have; ``facts`` holds the sourced claims."""

FACT_BLOCK_KEYS = ("source", "evidence", "note", "pages")
"""Keys of a facts block besides the claim keys of its record type."""

LABEL = RDFS.label
SYNONYM = SKOS.altLabel
DEFINITION = SKOS.definition

VIEWS = (("anterior", TP.AnteriorView), ("posterior", TP.PosteriorView), ("lateral", TP.LateralView))
LATERALITIES = (
    ("ipsilateral", TP.Ipsilateral),
    ("contralateral", TP.Contralateral),
    ("bilateral", TP.Bilateral),
    ("midline", TP.Midline),
)
INTENSITIES = (("essential", TP.Essential), ("spillover", TP.Spillover))

MUSCULAR = ("muscle", "group")
STRUCTURES = ("muscle", "group", "joint")

ZONE = NodeSchema(
    name="referral zone",
    rdf_class=TP.ReferralZone,
    prefix="zone",
    fields=(
        Field("id", None, Kind.TEXT, required=True),
        Field("regions", TP.coversRegion, Kind.REF, many=True, required=True, targets=("region",),
              help="leaf body regions the zone covers"),
        Field("intensity", TP.hasIntensity, Kind.ENUM, required=True, choices=INTENSITIES),
        Field("side", TP.hasLaterality, Kind.ENUM, choices=LATERALITIES,
              help="relative to the trigger point, the patient's side; leave out where the source is silent"),
        Field("view", TP.inView, Kind.ENUM, required=True, choices=VIEWS),
        Field("extent_min_cm", TP.extentMinCm, Kind.DECIMAL),
        Field("extent_max_cm", TP.extentMaxCm, Kind.DECIMAL),
        Field("description", TP.description, Kind.TEXT),
    ),
)

PATTERN = NodeSchema(
    name="referral pattern",
    rdf_class=TP.ReferralPattern,
    prefix="pattern",
    fields=(
        Field("id", None, Kind.TEXT, required=True),
        Field("zones", TP.hasZone, Kind.NESTED, many=True, required=True, nested=ZONE),
        Field("description", TP.description, Kind.TEXT),
    ),
)

TRIGGER_POINT = NodeSchema(
    name="trigger point",
    rdf_class=TP.TriggerPoint,
    prefix="trigger-point",
    fields=(
        Field("id", None, Kind.TEXT, required=True),
        Field("site", TP.siteDescription, Kind.TEXT, help="only where the source states the site"),
        Field("pattern", TP.hasReferralPattern, Kind.NESTED, nested=PATTERN),
    ),
)

ANTAGONISM = NodeSchema(
    name="antagonism",
    rdf_class=TP.Antagonism,
    prefix="antagonism",
    id_from=("muscle", "action"),
    fields=(
        Field("muscle", TP.antagonisticMuscle, Kind.REF, required=True, targets=MUSCULAR),
        Field("action", TP.opposedAction, Kind.REF, required=True, targets=("action",),
              help="the action of this muscle that the antagonist opposes"),
    ),
)

PRECAUTION = NodeSchema(
    name="precaution",
    rdf_class=TP.Precaution,
    prefix="precaution",
    fields=(
        Field("id", None, Kind.TEXT, required=True),
        Field("description", TP.description, Kind.TEXT, required=True),
    ),
)

TECHNIQUE_ASSESSMENT = NodeSchema(
    name="technique assessment",
    rdf_class=TP.TechniqueAssessment,
    prefix="technique",
    id_from=("technique",),
    fields=(
        Field("technique", TP.assessesTechnique, Kind.REF, required=True, targets=("technique",)),
        Field("suitable", TP.suitable, Kind.BOOLEAN, required=True),
        Field("precautions", TP.hasPrecaution, Kind.NESTED, many=True, nested=PRECAUTION),
    ),
)

QUALIFIED_ACTION = NodeSchema(
    name="qualified action",
    rdf_class=TP.QualifiedAction,
    prefix="qualified-action",
    id_from=("action",),
    link=TP.hasQualifiedAction,
    fields=(
        Field("action", TP.qualifiedAction, Kind.REF, required=True, targets=("action",)),
        Field("when", TP.actionCondition, Kind.TEXT, required=True,
              help="the condition under which the source says the muscle performs it"),
    ),
)
"""An action a source states only under a condition (piriformis: medial rotation of the flexed hip). Written
as ``{action: …, when: …}`` in ``actions`` or ``reverse_actions``; the plain action triple is kept beside the
node, so every action query still finds the muscle and can show the condition."""

ETYMON = NodeSchema(
    name="etymon",
    rdf_class=TP.Etymon,
    prefix="etymon",
    id_from=("word",),
    fields=(
        Field("word", TP.etymonWord, Kind.WORD, required=True),
        Field("language", None, Kind.LANGUAGE, required=True, help="BCP 47 tag: grc (Ancient Greek), la (Latin)"),
        Field("meaning", TP.etymonMeaning, Kind.TEXT, required=True),
    ),
)

MUSCLE_FACTS: tuple[Field, ...] = (
    Field("etymology", TP.hasEtymon, Kind.NESTED, many=True, nested=ETYMON),
    Field("member_of", TP.memberOf, Kind.REF, many=True, targets=("group",)),
    Field("origins", TP.hasOrigin, Kind.REF, many=True, targets=("landmark",)),
    Field("insertions", TP.hasInsertion, Kind.REF, many=True, targets=("landmark",)),
    Field("actions", TP.hasAction, Kind.REF, many=True, targets=("action",), qualifier=QUALIFIED_ACTION,
          help="action slugs, or {action: …, when: …} for one the source states only under a condition"),
    Field("reverse_actions", TP.hasReverseAction, Kind.REF, many=True, targets=("action",),
          qualifier=QUALIFIED_ACTION, help="actions performed with the insertion fixed"),
    Field("antagonists", TP.hasAntagonism, Kind.NESTED, many=True, nested=ANTAGONISM),
    Field("nerves", TP.innervatedBy, Kind.REF, many=True, targets=("nerve",)),
    Field("roots", TP.innervatedByRoot, Kind.REF, many=True, targets=("root",),
          help="the spinal roots this source states for this muscle, never copied from the nerve"),
    Field("functional_movements", TP.hasFunctionalMovement, Kind.REF, many=True, targets=("movement",)),
    Field("absent_in_percent", TP.absentInPercent, Kind.DECIMAL),
    Field("bilateral_contracture_signs", TP.bilateralContractureSign, Kind.REF, many=True, targets=("symptom",)),
    Field("trigger_points", TP.hasTriggerPoint, Kind.NESTED, many=True, nested=TRIGGER_POINT),
    Field("indications", TP.hasIndication, Kind.REF, many=True, targets=("symptom",)),
    Field("perpetuating_factors", TP.hasPerpetuatingFactor, Kind.REF, many=True, targets=("factor",)),
    Field("differential_diagnoses", TP.hasDifferentialDiagnosis, Kind.REF, many=True, targets=("condition",)),
    Field("associated_structures", TP.hasAssociatedStructure, Kind.REF, many=True, targets=STRUCTURES),
    Field("self_care", TP.hasSelfCareAdvice, Kind.REF, many=True, targets=("advice",)),
    Field("techniques", TP.hasTechniqueAssessment, Kind.NESTED, many=True, nested=TECHNIQUE_ASSESSMENT),
)

RECORD_TYPES: dict[str, RecordType] = {
    t.name: t
    for t in (
        RecordType("muscle", "muscles", TP.Muscle, "muscle",
            core=(
                Field("part_of", TP.partOfMuscle, Kind.REF, many=True, targets=("muscle",),
                      help="the whole muscle this part belongs to (upper trapezius: trapezius)"),
                *MAPPINGS,
            ),
            facts=MUSCLE_FACTS,
        ),
        RecordType("group", "groups", TP.MuscleGroup, "muscle group", core=MAPPINGS, facts=MUSCLE_FACTS),
        RecordType("joint", "joints", TP.Joint, "joint", core=MAPPINGS),
        RecordType("landmark", "landmarks", TP.AttachmentSite, "attachment site",
            core=(
                Field("part_of", TP.partOfSite, Kind.REF, many=True, targets=("landmark",),
                      help="the larger site this one is part of (trochanteric fossa: medial surface of the "
                           "greater trochanter); the larger site answers for muscles attaching to its parts"),
                *MAPPINGS,
            ),
        ),
        RecordType("nerve", "nerves", TP.Nerve, "nerve",
            core=(
                Field("branch_of", TP.branchOf, Kind.REF, many=True, targets=("nerve",),
                      help="the nerve this one branches from (masseteric nerve: mandibular nerve)"),
                Field("division_of", TP.divisionOf, Kind.REF, many=True, targets=("nerve",),
                      help="the nerve this is a named division or part of (mandibular nerve: trigeminal nerve)"),
                Field("cranial", TP.cranialNerve, Kind.BOOLEAN,
                      help="true for a cranial nerve trunk; it and its branches have no spinal roots"),
                *MAPPINGS,
            ),
            facts=(Field("roots", TP.arisesFromRoot, Kind.REF, many=True, targets=("root",)),),
        ),
        RecordType("root", "roots", TP.SpinalNerveRoot, "spinal nerve root",
            core=(Field("ordinal", TP.rootOrdinal, Kind.INTEGER, required=True), *MAPPINGS),
        ),
        RecordType("region", "regions", TP.BodyRegion, "body region",
            core=(
                Field("part_of", TP.partOfRegion, Kind.REF, many=True, targets=("region",)),
                Field("view", TP.inView, Kind.ENUM, choices=VIEWS, help="leaf regions only"),
                Field("lay_synonyms", TP.laySynonym, Kind.TEXT, many=True,
                      help="phrases patients use for the region ('front of hip'); unlike synonyms, one phrase may "
                           "name several regions"),
                Field("deep", TP.deepRegion, Kind.BOOLEAN,
                      help="true for a leaf inside the body (teeth, rectum): drawn as a marker, not a surface tile"),
                *MAPPINGS,
            ),
        ),
        RecordType("action", "actions", TP.Action, "action"),
        RecordType("movement", "movements", TP.FunctionalMovement, "functional movement"),
        RecordType("symptom", "symptoms", TP.Symptom, "symptom or sign"),
        RecordType("factor", "factors", TP.PerpetuatingFactor, "perpetuating factor",
            core=(Field("broader", TP.broader, Kind.REF, many=True, targets=("factor",)), *MAPPINGS),
        ),
        RecordType("condition", "conditions", TP.Condition, "condition",
            core=(Field("broader", TP.broader, Kind.REF, many=True, targets=("condition",)), *MAPPINGS),
            facts=(Field("red_flag", TP.redFlag, Kind.BOOLEAN),),
        ),
        RecordType("advice", "advice", TP.SelfCareAdvice, "self-care advice",
            core=(Field("targets", TP.targetsStructure, Kind.REF, many=True, targets=STRUCTURES),),
        ),
        RecordType("technique", "techniques", TP.Technique, "technique"),
        RecordType("source", "sources", TP.Source, "source",
            sourced=False,
            core=(
                Field("title", DCTERMS.title, Kind.TEXT, required=True, help="the title as the source gives it"),
                Field("url", TP.url, Kind.IRI),
                Field("creator", DCTERMS.creator, Kind.TEXT),
                Field("publisher", DCTERMS.publisher, Kind.TEXT),
                Field("edition", TP.edition, Kind.TEXT),
                Field("accessed", TP.accessed, Kind.DATE),
                Field("disclaimer", TP.disclaimer, Kind.TEXT),
                Field("copy_of", TP.copyOf, Kind.REF, targets=("source",),
                      help="the post this page reproduces (another site or locale); the two count as one source"),
            ),
        ),
    )
}
"""Every record type, by its singular name (also its IRI path segment: ``id/muscle/psoas-major``)."""

RECORD_TYPES_BY_PLURAL: dict[str, RecordType] = {t.plural: t for t in RECORD_TYPES.values()}

PROJECT_SOURCE = "tpgraph"
"""The source record that stands for tpgraph's own definitions (labels, region hierarchy, vocabularies)."""

UNVERIFIED = "unverified"
"""The value of ``evidence`` in a facts block whose claims no consulted source backs."""

