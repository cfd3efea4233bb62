"""Shared fixtures: the real sources built once per session, and throw-away copies of the project to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tpgraph.build.dist import BuildResult, build
from tpgraph.paths import ProjectPaths
from tpgraph.store.embedded import OxigraphStore

REPO = Path(__file__).resolve().parents[1]


RECORDS_NAMING_MUSCLES = ("muscles", "groups", "advice")
"""The data folders whose records name muscles; the rest (regions, nerves, sources, …) name none."""


def copy_project(target: Path, extra_files: dict[str, Path] | None = None,
                 vocabularies_only: bool = False) -> ProjectPaths:
    """A copy of ontology/ and data/ under ``target``, with extra data files dropped into data/extra/.

    ``vocabularies_only`` leaves out the muscles and the records that name them: a third of the data, which
    builds in about a second, for a broken file that needs nothing but the shared vocabularies.
    """
    shutil.copytree(REPO / "ontology", target / "ontology")
    left_out = RECORDS_NAMING_MUSCLES if vocabularies_only else ()
    shutil.copytree(REPO / "data", target / "data",
                    ignore=lambda folder, names: [n for n in names if Path(folder, n) in
                                                  {REPO / "data" / d for d in left_out}])
    if extra_files:
        (target / "data" / "extra").mkdir()
        for name, source in extra_files.items():
            shutil.copy(source, target / "data" / "extra" / name)
    return ProjectPaths(target)


@pytest.fixture(scope="session")
def repo_paths() -> ProjectPaths:
    return ProjectPaths(REPO)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, repo_paths: ProjectPaths) -> BuildResult:
    """The real sources, built once into a temporary dist/."""
    return build(repo_paths, tmp_path_factory.mktemp("build") / "dist")


@pytest.fixture(scope="session")
def store(built: BuildResult) -> OxigraphStore:
    return OxigraphStore.from_dist(built.out_dir)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true",
                     help="rewrite tests/snapshots/<query>.yaml from the current data instead of comparing")


TPGRAPH_SOURCE = """sources:
  - id: tpgraph
    label: tpgraph vocabulary
    title: tpgraph vocabulary and record definitions
    creator: tpgraph contributors
    definition: tpgraph's own definitions.
"""


def copy_small_project(target: Path) -> ProjectPaths:
    """The real ontology and a single record, tpgraph's own source: a build in a second, for tests of the
    machinery (atomic replacement, CLI output, releases) rather than of the data."""
    shutil.copytree(REPO / "ontology", target / "ontology")
    (target / "data" / "sources").mkdir(parents=True)
    (target / "data" / "sources" / "core.yaml").write_text(TPGRAPH_SOURCE, encoding="utf-8")
    return ProjectPaths(target)


@pytest.fixture(scope="session")
def make_small_project():
    """``make_small_project(target)``: a one-record project (see copy_small_project)."""
    return copy_small_project


@pytest.fixture(scope="session")
def make_project():
    """``make_project(target, extra_files=None, vocabularies_only=False)``: a throw-away copy of the project to
    break (see copy_project)."""
    return copy_project
