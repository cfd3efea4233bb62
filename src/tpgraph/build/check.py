"""``tpgraph check``: the OWL 2 DL profile of ontology + data, then HermiT's consistency verdict.

Both run on the sources as loaded (not on dist/), so a clash is reported with the record files it comes
from. The CLI only prints what these return.
"""

from __future__ import annotations

import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from tpgraph.build.outputs import QuadScan, quad_lines, read_module, write_owl
from tpgraph.build.infer import infer
from tpgraph.build.loader import LoadedData
from tpgraph.build.owl_profile import check_owl2_dl
from tpgraph.build.reasoner import CheckResult, check_dataset


def start_profile_check(loaded: LoadedData, import_module: Path) -> Future[list[str]]:
    """The OWL 2 DL profile violations of the loaded ontology and data with the import module embedded.

    The future raises ProfileCheckError when the check cannot run (no Java, no HermiT jar). The OWL file is
    written now; the profile check (a JVM of its own) then runs on a thread beside the caller.

    ``tpgraph check`` runs HermiT meanwhile: both spend most of their time in Java, so on two cores the check
    takes about as long as the longer of the two. The file is written before this returns because the
    consistency check adds the build's inferences to the same dataset.
    """
    tmp = tempfile.TemporaryDirectory(prefix="tpgraph-check-")
    owl_path = Path(tmp.name) / "tpgraph.owl"
    try:
        scan = QuadScan(sorted(quad_lines(loaded.dataset)))
        write_owl(scan.owl_lines(False, read_module(import_module), embed_module=True), owl_path)
    except BaseException:
        tmp.cleanup()
        raise

    def run() -> list[str]:
        with tmp:
            return list(check_owl2_dl(owl_path))

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tpgraph-profile")
    future = pool.submit(run)
    pool.shutdown(wait=False)
    return future


def consistency(loaded: LoadedData) -> CheckResult:
    """HermiT's verdict on the loaded data with the build's inferences; on a clash, the smallest clashing set
    of records. Raises ReasonerError when HermiT cannot run."""
    infer(loaded.dataset)
    return check_dataset(loaded.dataset)
