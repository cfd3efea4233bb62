"""``tpgraph build``: load, validate, infer and write ``dist/`` atomically and reproducibly.

Atomic: everything is written into a temporary sibling folder that replaces ``dist/`` only once it is complete,
so a failed build leaves the previous ``dist/`` as it was. Reproducible: every output comes from the sorted
canonical quads (``outputs``), so the same sources give the same bytes, whether the build was full or
incremental (``incremental``), on any machine and hash seed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tpgraph.build.build_cache import BuildCache, Manifest
from tpgraph.build.consensus import write_consensus
from tpgraph.build.freshness import (
    STAMP,
    BuildResult,
    current_build,
    environment_digest,
    inputs_digest,
    write_stamp,
)
from tpgraph.build.incremental import Incremental, full_build_units, store_full_build
from tpgraph.build.infer import infer
from tpgraph.build.loader import LoadedData, RecordEntry, load
from tpgraph.build.outputs import quad_lines, read_module, write_graph_files, write_ontology_files
from tpgraph.build.protege_module import MODULE_FILE
from tpgraph.build.side_by_side import SideJob, can_fork
from tpgraph.build.validate import validate_loaded
from tpgraph.model.schema import RECORD_TYPES
from tpgraph.paths import ProjectPaths

OUTPUTS = (
    "tpgraph.nq",
    "tpgraph.trig",
    "tpgraph.jsonld",
    "tpgraph.owl",
    "tpgraph-full.owl",
    "void.ttl",
    "build.json",
    "tpgraph.sssom.tsv",
    "catalog-v001.xml",
    f"imports/{MODULE_FILE}",
    STAMP,
)


def record_counts(records: dict[tuple[str, str], RecordEntry]) -> dict[str, int]:
    counts = Counter(entry.type.name for entry in records.values())
    return {name: counts.get(name, 0) for name in RECORD_TYPES}


def replace_dir(new: Path, target: Path) -> None:
    """Swap ``new`` into place of ``target``; the old folder is removed only after the swap."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{new.name}")
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(paths: ProjectPaths, out_dir: Path | None = None, force: bool = False,
          progress: Callable[[str], None] | None = None) -> BuildResult:
    """Load and validate the sources, infer, and replace ``out_dir`` (default ``dist/``) with the result.

    Raises ``DataError`` (with every problem, file:line) when the data do not load or validate; nothing is
    written then. When ``out_dir`` already holds the intact build of the same inputs (``freshness``), it is
    returned as it is; when the build cache holds the last good build's units, only the changed files are
    redone (``incremental``); ``force`` skips both and builds everything. ``progress`` hears each stage as it
    starts (the CLI shows it on a terminal).
    """
    say = progress or (lambda stage: None)
    out_dir = out_dir or paths.dist
    environment = environment_digest(paths)
    digest = inputs_digest(paths, environment)
    if not force and (current := current_build(out_dir, digest)) is not None:
        return current
    cache = BuildCache.beside(out_dir, environment)
    if not force:
        say("looking for the files that changed")
        result = build_incrementally(paths, out_dir, cache, digest, say)
        if result is not None:
            return result
    return build_in_full(paths, out_dir, cache, digest, say)


def build_in_full(paths: ProjectPaths, out_dir: Path, cache: BuildCache, digest: str,
                  say: Callable[[str], None]) -> BuildResult:
    """Every file loaded; validation and writing side by side (``side_by_side``): the writer fills a staging
    folder that replaces ``out_dir`` only if the data validate, and leaves the units for the next build."""
    say(f"reading {paths.data}")
    loaded = load(paths.data, paths.ontology)
    counts = record_counts(loaded.records)
    count = len(loaded.records)
    say(f"validating {count} record{'s' if count != 1 else ''} and writing {out_dir.name}/ side by side")
    staging = _staging(out_dir)
    fork = can_fork()
    writer = SideJob(lambda: derive_and_write(loaded, counts, staging, paths.import_module, cache, fork), fork)
    try:
        validate_loaded(loaded, paths.shapes, paths.quality_checks)
        written = writer.result()
        write_stamp(staging, digest, written["derived"], counts, written["hashes"])
        replace_dir(staging, out_dir)
    except BaseException:
        writer.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if written["manifest"] is not None:
        _quietly(lambda: cache.commit(Manifest(**written["manifest"])))
    return BuildResult(out_dir, written["build_id"], written["quads"], written["graphs"], counts, written["derived"])


def build_incrementally(paths: ProjectPaths, out_dir: Path, cache: BuildCache, digest: str,
                        say: Callable[[str], None]) -> BuildResult | None:
    """Redo only the changed files (``incremental``); None when a full build must run instead."""
    attempt = Incremental(paths, cache)
    try:
        lines = attempt.prepare()
    except OSError:
        return None
    if lines is None or attempt.loader is None:
        return None
    counts = record_counts(attempt.loader.records)
    say(f"redoing {len(attempt.redone)} of {len(attempt.units)} files; checking and writing {out_dir.name}/ side by side")
    staging = _staging(out_dir)
    # two writers beside the checks: at this size each takes about as long as the checks
    writers = start_writers(lines, staging, counts, paths.import_module, can_fork())
    try:
        if not attempt.conforms():
            cancel(writers)
            shutil.rmtree(staging, ignore_errors=True)
            return None
        written = writers_result(writers)
        write_stamp(staging, digest, written["derived"], counts, written["hashes"])
        replace_dir(staging, out_dir)
    except BaseException:
        cancel(writers)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _quietly(attempt.commit)
    return BuildResult(out_dir, written["build_id"], written["quads"], written["graphs"], counts, written["derived"],
                       redone=len(attempt.redone))


def _staging(out_dir: Path) -> Path:
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))


def _quietly(store: Callable[[], object]) -> None:
    """Write to the build cache; a cache that cannot be written only makes the next build a full one."""
    try:
        store()
    except OSError:
        pass


def derive_and_write(loaded: LoadedData, counts: dict[str, int], staging: Path, import_module: Path,
                     cache: BuildCache, fork: bool = False) -> dict[str, Any]:
    """Infer, assess consensus and write every output into ``staging``; store the units for the next build;
    what the build result needs. With ``fork`` (this runs in a child forked while cores were free) the two
    writers run in children of their own while this process stores the units: by then the parent has
    finished validating and waits."""
    infer(loaded.dataset)
    write_consensus(loaded.dataset)
    lines = sorted(quad_lines(loaded.dataset))
    writers = start_writers(lines, staging, counts, import_module, fork)
    try:
        manifest = None
        split = full_build_units(lines, loaded.records, loaded.references, loaded.file_shas)
        if split is not None:
            try:
                stored = store_full_build(cache, *split)
                manifest = {"files": stored.files, "context": stored.context}
            except OSError:
                pass
        written = writers_result(writers)
    except BaseException:
        cancel(writers)
        raise
    return {**written, "manifest": manifest}


def start_writers(lines: list[str], staging: Path, counts: dict[str, int], import_module: Path,
                  fork: bool) -> list[SideJob]:
    """The two writers of every output (``outputs``), each in a child of its own when ``fork``: the dataset
    files, VoID and build.json; the OWL files, the import module and the SSSOM mappings."""
    return [SideJob(lambda: write_graph_files(lines, staging, {"records": counts}), fork),
            SideJob(lambda: write_ontology_files(lines, staging, read_module(import_module)), fork)]


def writers_result(writers: list[SideJob]) -> dict[str, Any]:
    """build.json's content, the derived-quad count and the hash of every file the writers wrote."""
    written, ontology = writers[0].result(), writers[1].result()
    return {**written, "hashes": {**written["hashes"], **ontology["hashes"]}}


def cancel(writers: list[SideJob]) -> None:
    for writer in writers:
        writer.cancel()
