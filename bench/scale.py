"""Build cost at the sizes the graph is growing to: 1x, 5x and 10x today's records, stage by stage.

Makes a synthetic project of the real shape in a temporary folder — every record file of ``data/`` (muscles,
groups, sources, nerves, conditions, symptoms, landmarks…) copied N times with its ids, labels and synonyms
suffixed, so each copy keeps the real references, facts blocks, trigger points and zones — then times each stage
of ``tpgraph build`` in a fresh process per size (peak memory is that process's maximum resident set):

    python bench/scale.py                 # 1x, 5x, 10x; prints a table and writes bench/scale-results.json
    python bench/scale.py --sizes 1 2     # other multiples

Stages: YAML + RDF load, SHACL, quality checks, inference, consensus, writing dist/. A stage whose cost per
record grows with size is named in the output ("grows faster than the data"). Then, in another fresh process,
``tpgraph build`` end to end as an author meets it, each build in a process of its own: a full build, a build
with nothing changed, and a build after one muscle file's label is edited (incremental; the median of three).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from copy import deepcopy
from pathlib import Path

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[1]
KEEP = {"regions.yaml", "roots.yaml"}  # tpgraph's own vocabularies: the same at every size


def suffixed(record: dict, k: int) -> dict:
    """A copy of a record with its id, label and synonyms made unique for copy ``k``.

    A deep copy: a shallow one shares the nested facts with the original, the YAML writer then emits anchors and
    aliases, and the build reads such a file with ruamel's pure-Python parser instead of libyaml, which made
    the load look quadratic (12 s at 2x against 2.2 s at 1x).
    """
    copy = deepcopy(record)
    copy["id"] = f"{record['id']}-x{k}"
    if "label" in record:
        copy["label"] = f"{record['label']} x{k}"
    if record.get("synonyms"):
        copy["synonyms"] = [f"{s} x{k}" for s in record["synonyms"]]
    return copy


def make_project(target: Path, times: int) -> Path:
    """A project folder whose data/ holds ``times`` copies of every record (the originals included)."""
    for part in ("ontology", "queries"):
        shutil.copytree(REPO / part, target / part)
    yaml = YAML(typ="safe")
    yaml.width = 4096
    for path in sorted((REPO / "data").rglob("*.yaml")):
        out = target / path.relative_to(REPO)
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.name in KEEP:
            shutil.copy(path, out)
            continue
        document = yaml.load(path.read_text(encoding="utf-8"))
        for plural, records in document.items():
            extra = [suffixed(r, k) for k in range(1, times) for r in records if r.get("id") != "tpgraph"]
            document[plural] = records + extra
        with out.open("w", encoding="utf-8") as handle:
            yaml.dump(document, handle)
    return target


def measure(project: Path) -> dict:
    """Run the build's stages once in this process; seconds per stage and the peak resident set (MiB)."""
    from tpgraph.build.dist import start_writers, writers_result
    from tpgraph.build.outputs import quad_lines
    from tpgraph.build.consensus import write_consensus
    from tpgraph.build.infer import infer
    from tpgraph.build.loader import load
    from tpgraph.paths import ProjectPaths
    from tpgraph.build.quality import quality_problems
    from tpgraph.build.validate import load_shapes, shacl_problems

    paths = ProjectPaths(project)
    times: dict[str, float] = {}

    def timed(name: str, call, *args):
        start = time.perf_counter()
        result = call(*args)
        times[name] = round(time.perf_counter() - start, 3)
        return result

    loaded = timed("load", load, paths.data, paths.ontology)
    timed("shacl", lambda: shacl_problems(loaded, load_shapes(paths.shapes)))
    timed("quality checks", quality_problems, loaded, paths.quality_checks)
    timed("infer", infer, loaded.dataset)
    timed("consensus", write_consensus, loaded.dataset)
    out = Path(tempfile.mkdtemp(prefix="scale-dist-"))
    timed("write", lambda: writers_result(start_writers(sorted(quad_lines(loaded.dataset)), out, {},
                                                         paths.import_module, fork=False)))
    shutil.rmtree(out, ignore_errors=True)
    return {
        "records": len(loaded.records),
        "quads": sum(1 for _ in loaded.dataset.quads()),
        "seconds": times,
        "total": round(sum(times.values()), 3),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def timed_build(project: Path, **kwargs) -> tuple[float, object]:
    """Seconds of one ``build()`` of ``project`` in this process, and its result."""
    from tpgraph.build.dist import build
    from tpgraph.paths import ProjectPaths

    start = time.perf_counter()
    result = build(ProjectPaths(project), **kwargs)
    return round(time.perf_counter() - start, 3), result


def measure_builds(project: Path) -> dict:
    """Seconds of ``build()`` end to end: full, nothing changed, and one muscle file edited (median of three).

    Each build runs in a process of its own, as ``tpgraph build`` does (a process that has just held a full
    build forks its writers more slowly); the time is the build's, without starting Python.
    """
    def in_new_process(*args: str) -> float:
        run = subprocess.run([sys.executable, __file__, "--measure-build", str(project), *args],
                             capture_output=True, text=True, check=True)
        return float(run.stdout.strip().splitlines()[-1])

    full = in_new_process("full")
    unchanged = in_new_process("reused")
    muscle = sorted((project / "data" / "muscles").glob("*.yaml"))[0]
    original = muscle.read_text(encoding="utf-8")
    edits = []
    for k in range(3):
        muscle.write_text(original.replace("label: ", f"label: edit {k} of ", 1), encoding="utf-8")
        edits.append(in_new_process("incremental"))
    muscle.write_text(original, encoding="utf-8")
    return {"full": full, "nothing changed": unchanged, "one file edited": sorted(edits)[1]}


def measure_build(project: Path, kind: str) -> float:
    """One build of the ``kind`` named (full, reused, incremental: checked), timed in this process."""
    seconds, result = timed_build(project, force=kind == "full")
    assert (result.reused, result.redone is not None) == (kind == "reused", kind == "incremental"), result
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: measure one project, print JSON
    parser.add_argument("--measure-builds", help=argparse.SUPPRESS)  # internal: time whole builds, print JSON
    parser.add_argument("--measure-build", nargs=2, help=argparse.SUPPRESS)  # internal: time one build
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "scale-results.json")
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(Path(args.measure))))
        return 0
    if args.measure_builds:
        print(json.dumps(measure_builds(Path(args.measure_builds))))
        return 0
    if args.measure_build:
        print(measure_build(Path(args.measure_build[0]), args.measure_build[1]))
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="tpgraph-scale-") as tmp:
        for times in args.sizes:
            project = make_project(Path(tmp) / f"x{times}", times)
            run = subprocess.run([sys.executable, __file__, "--measure", str(project)], capture_output=True,
                                 text=True, check=True)
            builds = subprocess.run([sys.executable, __file__, "--measure-builds", str(project)], capture_output=True,
                                    text=True, check=True)
            results.append({"size": times, **json.loads(run.stdout.strip().splitlines()[-1]),
                            "builds": json.loads(builds.stdout.strip().splitlines()[-1])})
    stages = list(results[0]["seconds"])
    print(f"{'size':>5} {'records':>8} {'quads':>8} " + " ".join(f"{s:>15}" for s in stages)
          + f" {'total s':>8} {'peak MiB':>9}")
    for r in results:
        print(f"{r['size']:>4}x {r['records']:>8} {r['quads']:>8} "
              + " ".join(f"{r['seconds'][s]:>15.2f}" for s in stages) + f" {r['total']:>8.2f} {r['peak_mib']:>9}")
    print(f"{'size':>5} " + " ".join(f"{name:>16}" for name in results[0]["builds"]) + "   (tpgraph build, s)")
    for r in results:
        print(f"{r['size']:>4}x " + " ".join(f"{value:>16.2f}" for value in r["builds"].values()))
    base = results[0]
    for r in results[1:]:
        for stage in stages:
            ratio = (r["seconds"][stage] / max(base["seconds"][stage], 1e-3)) / (r["records"] / base["records"])
            if ratio > 1.5:
                print(f"{stage}: grows faster than the data ({ratio:.1f}x the per-record cost at {r['size']}x)")
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
