"""``tpgraph check``: the OWL 2 DL profile of ontology + data, then HermiT's consistency verdict.

Both run on the sources as loaded (not on dist/), so a clash is reported with the record files it comes
from. The CLI only prints what these return.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox

from tpgraph.build.dist import canonical_nquads, owl_triples, parse_nquads, read_module
from tpgraph.build.infer import infer
from tpgraph.build.loader import LoadedData
from tpgraph.build.owl_profile import check_owl2_dl
from tpgraph.build.reasoner import CheckResult, check_dataset


def profile_violations(loaded: LoadedData, import_module: Path) -> list[str]:
    """The OWL 2 DL profile violations of the loaded ontology and data with the import module embedded.

    Raises ProfileCheckError when the check cannot run (no Java, no HermiT jar).
    """
    with tempfile.TemporaryDirectory(prefix="tpgraph-check-") as tmp:
        owl_path = Path(tmp) / "tpgraph.owl"
        quads = parse_nquads(canonical_nquads(loaded.dataset))
        module = read_module(import_module)
        ox.serialize(owl_triples(quads, False, module, embed_module=True), str(owl_path), ox.RdfFormat.RDF_XML)
        return list(check_owl2_dl(owl_path))


def consistency(loaded: LoadedData) -> CheckResult:
    """HermiT's verdict on the loaded data with the build's inferences; on a clash, the smallest clashing set
    of records. Raises ReasonerError when HermiT cannot run."""
    infer(loaded.dataset)
    return check_dataset(loaded.dataset)
