"""The house by stage (docs/architecture.md): the layer contract, no import cycles, a light web app, and an
app that serves only what its settings name."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tpgraph
from tpgraph.build.dist import BuildResult
from tpgraph.paths import ProjectPaths

REPO = Path(__file__).resolve().parents[1]
SOURCE = Path(tpgraph.__file__).resolve().parents[1]
STAGES = ("model", "sparql", "store", "catalogue", "build", "release", "endpoint", "web")


def _env() -> dict[str, str]:
    """This process's environment with the tpgraph being tested first on the path."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(SOURCE), os.environ.get("PYTHONPATH", "")])}


def test_the_layer_contract_holds() -> None:
    """A wrong-way import (the web layer loading the build, a store importing the web layer …) fails here."""
    pytest.importorskip("importlinter.cli")
    # In a child process: import-linter configures logging, which would silence the loggers other tests read.
    script = ("import sys; from importlinter.cli import lint_imports; "
              "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))")
    done = subprocess.run([sys.executable, "-c", script, str(REPO / "pyproject.toml")], capture_output=True,
                          text=True, env=_env(), cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr


def test_there_are_no_import_cycles() -> None:
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("tpgraph", cache_dir=None)
    cycles = sorted(
        f"{importer} -> {imported}"
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if graph.chain_exists(importer=imported, imported=importer)
    )
    assert cycles == []


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_package_holds_a_docstring_and_no_code(stage: str) -> None:
    """Importing one module of a stage never loads its siblings."""
    tree = ast.parse((SOURCE / "tpgraph" / stage / "__init__.py").read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"tpgraph/{stage}/__init__.py says what belongs in {stage}/"
    assert len(tree.body) == 1, f"tpgraph/{stage}/__init__.py holds code"


def test_importing_the_web_app_loads_no_build_or_release_code() -> None:
    script = ("import sys, json, tpgraph.web.app; "
              "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('pyshacl', 'owlready2') "
              "or m.startswith(('tpgraph.build', 'tpgraph.release', 'tpgraph.store.embedded', "
              "'tpgraph.store.sandbox', 'tpgraph.store.remote')))))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=_env(), check=True)
    assert json.loads(done.stdout) == []


def test_serve_with_root_serves_that_projects_releases_and_vocabulary(
        tmp_path: Path, built: BuildResult, monkeypatch: pytest.MonkeyPatch, make_project) -> None:
    """``tpgraph --root DIR serve`` serves DIR's /releases/ and /vocab, not the checkout's."""
    import tpgraph.serve
    from tpgraph.cli import main
    from tpgraph.store.embedded import OxigraphStore
    from tpgraph.web.app import create_app

    paths = make_project(tmp_path / "elsewhere")
    with paths.ontology.open("a", encoding="utf-8") as ontology:
        ontology.write('\n<https://w3id.org/tpgraph/vocab> <http://www.w3.org/2000/01/rdf-schema#comment> '
                       '"the ontology of the project at --root" .\n')
    (paths.releases / "9.8.7").mkdir(parents=True)
    (paths.releases / "9.8.7" / "tpgraph.trig").write_text("# release of the project at --root\n", encoding="utf-8")
    served = {}

    def capture(settings, project, rebuild=False, external=(), watch=False):
        served.update(settings=settings, paths=project)

    monkeypatch.setattr(tpgraph.serve, "serve", capture)
    assert main(["--root", str(paths.root), "serve", "--dist", str(built.out_dir)]) == 0
    settings = served["settings"]
    assert (settings.ontology, settings.releases, settings.queries) == (paths.ontology, paths.releases, paths.queries)

    client = create_app(settings, OxigraphStore.from_dist(built.out_dir)).test_client()
    listing = client.get("/releases/")
    assert listing.status_code == 200 and "9.8.7" in listing.get_data(as_text=True)
    assert client.get("/releases/9.8.7/tpgraph.trig").data == b"# release of the project at --root\n"
    vocab = client.get("/vocab", headers={"Accept": "text/turtle"})
    assert vocab.status_code == 200 and b"the ontology of the project at --root" in vocab.data


def test_an_app_without_ontology_or_releases_serves_none(built: BuildResult) -> None:
    from tpgraph.endpoint.settings import ServerSettings
    from tpgraph.store.embedded import OxigraphStore
    from tpgraph.web.app import create_app

    client = create_app(ServerSettings(dist=built.out_dir), OxigraphStore.from_dist(built.out_dir)).test_client()
    assert client.get("/vocab", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get(f"/releases/{'0.1.0'}/tpgraph.trig").status_code == 404


def test_settings_for_a_project_name_all_of_its_folders(repo_paths: ProjectPaths) -> None:
    from tpgraph.endpoint.settings import ServerSettings

    settings = ServerSettings.for_project(repo_paths, port=9000)
    assert (settings.dist, settings.queries, settings.ontology, settings.releases, settings.port) == (
        repo_paths.dist, repo_paths.queries, repo_paths.ontology, repo_paths.releases, 9000)


def test_the_iri_scheme_is_spelled_in_the_model_only() -> None:
    """Every IRI base lives in ``model/namespaces.py`` and every IRI is built or read in ``model/iris.py``:
    no other module's code (its docstrings and comments aside) spells tpgraph's persistent base."""
    site = "w3id.org/tpgraph"
    spelled = []
    for path in sorted((SOURCE / "tpgraph").rglob("*.py")):
        if path.parent.name == "model":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        documentation = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        spelled += [f"{path.relative_to(SOURCE)}:{node.lineno}" for node in ast.walk(tree)
                    if isinstance(node, ast.Constant) and isinstance(node.value, str) and site in node.value
                    and id(node) not in documentation]
    assert spelled == []
