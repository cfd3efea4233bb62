"""The tpgraph namespaces: one place that names every IRI base and vocabulary term.

`TP` is a closed `DefinedNamespace` (``_fail = True``), so a misspelt term raises instead of minting an IRI
that the ontology does not declare; a test keeps its term list equal to the terms of
``ontology/tpgraph.ttl``.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

SITE_IRI = "https://w3id.org/tpgraph"
"""The persistent base every tpgraph IRI hangs from (w3id redirects it, ``docs/w3id/.htaccess``)."""

VOCAB_IRI = SITE_IRI + "/vocab"
ID_BASE = SITE_IRI + "/id/"
GRAPH_BASE = SITE_IRI + "/graph/"
EXTERNAL_GRAPH_BASE = GRAPH_BASE + "external/"
"""Where ``tpgraph load-external`` puts each external file (``…/graph/external/uberon``)."""
RELEASES_BASE = SITE_IRI + "/releases/"
"""Where each released file is published: ``…/releases/VERSION/<file>`` (``iris.version_iri``)."""

DATASET_IRI = SITE_IRI + "/dataset"
"""The VoID dataset the build describes."""
RELEASE_ONTOLOGY_IRI = SITE_IRI + "/tpgraph.owl"
"""The ontology IRI of the built OWL files (asserted and inferred share it)."""
PROTEGE_MODULE_IRI = SITE_IRI + "/imports/external.owl"
"""The ontology IRI of the import module that declares the external classes for Protégé."""

DERIVED_SUFFIX = "/derived"
"""What the build appends to a claim graph's IRI for the graph of what it infers from it."""

ID = Namespace(ID_BASE)
GRAPH = Namespace(GRAPH_BASE)
OBO = Namespace("http://purl.obolibrary.org/obo/")

ONTOLOGY_GRAPH = URIRef(GRAPH_BASE + "ontology")
PROVENANCE_GRAPH = URIRef(GRAPH_BASE + "provenance")
CONSENSUS_GRAPH = URIRef(GRAPH_BASE + "consensus" + DERIVED_SUFFIX)


class TP(DefinedNamespace):
    """Terms of the tpgraph vocabulary (``ontology/tpgraph.ttl``)."""

    _fail = True
    _NS = Namespace(VOCAB_IRI + "#")

    Action: URIRef
    AgreementLevel: URIRef
    AnatomicalStructure: URIRef
    Antagonism: URIRef
    AnteriorView: URIRef
    AttachmentSite: URIRef
    Bilateral: URIRef
    BodyRegion: URIRef
    ClaimAgreement: URIRef
    ClaimAspect: URIRef
    ClaimGraph: URIRef
    Condition: URIRef
    Confirmed: URIRef
    Contralateral: URIRef
    Essential: URIRef
    Etymon: URIRef
    EvidenceLevel: URIRef
    FunctionalMovement: URIRef
    Ipsilateral: URIRef
    Joint: URIRef
    LateralView: URIRef
    Laterality: URIRef
    Midline: URIRef
    Minority: URIRef
    Muscle: URIRef
    MuscleGroup: URIRef
    Nerve: URIRef
    NerveAspect: URIRef
    PerpetuatingFactor: URIRef
    PosteriorView: URIRef
    Precaution: URIRef
    QualifiedAction: URIRef
    ReferralPattern: URIRef
    ReferralZone: URIRef
    RootAspect: URIRef
    SelfCareAdvice: URIRef
    Source: URIRef
    SourceStated: URIRef
    Spillover: URIRef
    SpinalNerveRoot: URIRef
    Suitable: URIRef
    Symptom: URIRef
    Technique: URIRef
    TechniqueAspect: URIRef
    TechniqueAssessment: URIRef
    TechniqueVerdict: URIRef
    TriggerPoint: URIRef
    Unconfirmed: URIRef
    Unsuitable: URIRef
    Unverified: URIRef
    View: URIRef
    ZoneIntensity: URIRef
    absentInPercent: URIRef
    accessed: URIRef
    actionCondition: URIRef
    antagonisticMuscle: URIRef
    arisesFromRoot: URIRef
    assessedAspect: URIRef
    assessedRecord: URIRef
    assessedTechnique: URIRef
    assessedValue: URIRef
    assessesTechnique: URIRef
    associatedStructureOf: URIRef
    bilateralContractureSign: URIRef
    branchOf: URIRef
    broader: URIRef
    claimsAbout: URIRef
    conflictingSources: URIRef
    copyOf: URIRef
    coversRegion: URIRef
    cranialNerve: URIRef
    deepRegion: URIRef
    laySynonym: URIRef
    derivedFrom: URIRef
    description: URIRef
    disclaimer: URIRef
    divisionOf: URIRef
    edition: URIRef
    etymonMeaning: URIRef
    etymonWord: URIRef
    extentMaxCm: URIRef
    extentMinCm: URIRef
    hasAction: URIRef
    hasAgreement: URIRef
    hasAntagonism: URIRef
    hasAntagonist: URIRef
    hasAssociatedStructure: URIRef
    hasDifferentialDiagnosis: URIRef
    hasEtymon: URIRef
    hasEvidence: URIRef
    hasFunctionalMovement: URIRef
    hasIndication: URIRef
    hasInsertion: URIRef
    hasIntensity: URIRef
    hasLaterality: URIRef
    hasMember: URIRef
    hasMusclePart: URIRef
    hasOrigin: URIRef
    hasPerpetuatingFactor: URIRef
    hasPrecaution: URIRef
    hasQualifiedAction: URIRef
    hasReferralPattern: URIRef
    hasReverseAction: URIRef
    hasSelfCareAdvice: URIRef
    hasTechniqueAssessment: URIRef
    hasTriggerPoint: URIRef
    hasZone: URIRef
    inView: URIRef
    innervatedBy: URIRef
    innervatedByRoot: URIRef
    innervates: URIRef
    majorityValue: URIRef
    memberOf: URIRef
    nextRoot: URIRef
    note: URIRef
    opposedAction: URIRef
    pages: URIRef
    partOfMuscle: URIRef
    partOfRegion: URIRef
    partOfSite: URIRef
    qualifiedAction: URIRef
    redFlag: URIRef
    refersPainTo: URIRef
    refersToRegion: URIRef
    rootOrdinal: URIRef
    siteDescription: URIRef
    suitable: URIRef
    supportingSources: URIRef
    targetsStructure: URIRef
    triggerPointIn: URIRef
    url: URIRef
    withinNerve: URIRef
    withinRegion: URIRef
    withinSite: URIRef


PREFIXES: dict[str, str] = {
    "tp": VOCAB_IRI + "#",
    "id": ID_BASE,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "obo": "http://purl.obolibrary.org/obo/",
}
"""Prefixes used when serialising and offered to queries."""

RECORD_TYPE_NAMES = (
    "muscle", "group", "joint", "landmark", "nerve", "root", "region", "action", "movement", "symptom",
    "factor", "condition", "advice", "technique", "source",
)
"""Record types, which are also IRI path segments; ``schema.RECORD_TYPES`` is tested to match."""

QUERY_PREFIXES: dict[str, str] = {**PREFIXES, **{name: f"{ID_BASE}{name}/" for name in RECORD_TYPE_NAMES}}
"""Prefixes every query may use without declaring them: the standard ones plus one per record type, so
``muscle:psoas-major``, ``root:l2`` and ``region:groin`` name records directly."""
