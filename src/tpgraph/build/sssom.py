"""The mappings to Uberon, MONDO, FMA and ICD-10-CM as an SSSOM TSV file (https://mapping-commons.github.io/sssom/).

SSSOM is the exchange format ontology engineers load mappings with (sssom-py, OxO, Protégé plug-ins): a YAML
metadata block in ``#`` comment lines, then one row per mapping. The file is written here rather than with
sssom-py, whose dependency tree (pandas, LinkML runtime) is far heavier than a dozen lines of TSV; the test
suite parses the result back and checks the required columns and the metadata.
"""

from __future__ import annotations

import pyoxigraph as ox

from tpgraph.build.protege_module import iri_to_curie
from tpgraph.model.iris import record_path_of, version_iri
from tpgraph.model.namespaces import ID_BASE, SITE_IRI
from tpgraph.model.schema import EXTERNAL_IRIS, OBO_IN_OWL_XREF

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREDICATES = {
    "http://www.w3.org/2004/02/skos/core#exactMatch": "skos:exactMatch",
    "http://www.w3.org/2004/02/skos/core#closeMatch": "skos:closeMatch",
    str(OBO_IN_OWL_XREF): "oboInOwl:hasDbXref",
}
CURIE_MAP = {
    "tpgraph": ID_BASE,
    **{prefix: base for prefix, (_, base) in EXTERNAL_IRIS.items()},
    "FMA": "http://purl.org/sig/ont/fma/fma",
    "ICD10CM": "http://purl.bioontology.org/ontology/ICD10CM/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "oboInOwl": "http://www.geneontology.org/formats/oboInOwl#",
    "semapv": "https://w3id.org/semapv/vocab/",
}
SSSOM_FILE = "tpgraph.sssom.tsv"
"""The mapping set's file name in a release, which names the set (``mapping_set_id``)."""
COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "mapping_justification", "subject_type")


def sssom_tsv(quads: list[ox.Quad], version: str) -> str:
    """The mapping set of the built quads, sorted, with its metadata block."""
    labels = {q.subject.value: q.object.value for q in quads
              if q.predicate.value == RDFS_LABEL and isinstance(q.subject, ox.NamedNode)}
    rows = set()
    for quad in quads:
        predicate = PREDICATES.get(quad.predicate.value)
        subject = quad.subject.value
        path = record_path_of(subject)
        if predicate is None or path is None:
            continue
        target = quad.object.value
        obj = (iri_to_curie(target) if isinstance(quad.object, ox.NamedNode) else target) or target
        rows.add((f"tpgraph:{path}", labels.get(subject, ""), predicate, obj,
                  "semapv:ManualMappingCuration", "owl named individual"))
    header = [
        f"mapping_set_id: {version_iri(version, SSSOM_FILE)}",
        f"mapping_set_version: {version}",
        "mapping_set_description: tpgraph records mapped to Uberon, MONDO, FMA and ICD-10-CM; every identifier "
        "checked against the public source named in reference/external-ids.tsv",
        "license: https://creativecommons.org/licenses/by/4.0/",
        f"mapping_provider: {SITE_IRI}",
        "curie_map:",
        *(f"  {prefix}: {base}" for prefix, base in CURIE_MAP.items()),
    ]
    lines = [f"# {line}" for line in header] + ["\t".join(COLUMNS)]
    lines += ["\t".join(row) for row in sorted(rows)]
    return "\n".join(lines) + "\n"
