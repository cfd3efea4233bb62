"""How fast `tpgraph serve/query --with FILE` loads an external dataset, and how much memory it takes.

Writes one synthetic dataset of 1,000,000 triples (250,000 Uberon-shaped classes: type, label, subClassOf,
hasDbXref) in a temporary folder as N-Triples, gzipped N-Triples, Turtle, RDF/XML and gzipped RDF/XML, then
loads each with ``tpgraph.store.external.load_external`` in a fresh child process (so that each file's peak RSS is its
own) and prints a Markdown table: wall time, triples per second, peak RSS of the child. One more row loads the
N-Triples file with a bare ``pyoxigraph.Store.bulk_load(path=…)``: the cost of streaming through Python (the
byte counter behind the progress line) is the difference.

    python bench/load_external.py [TRIPLES]        # default 1,000,000; run on demand, not by pytest
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TRIPLES_PER_CLASS = 4
OBO = "http://purl.obolibrary.org/obo/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XREF = "http://www.geneontology.org/formats/oboInOwl#hasDbXref"


def classes(triples: int):
    """(id, parent id) of each synthetic class: a tree, every class a subclass of one earlier (or a root)."""
    for i in range(triples // TRIPLES_PER_CLASS):
        yield i, i // 8


def write_ntriples(path: Path, triples: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        for i, parent in classes(triples):
            c = f"<{OBO}SYN_{i:07d}>"
            out.write(f"{c} <{RDF_TYPE}> <{OWL_CLASS}> .\n{c} <{RDFS}label> \"synthetic class {i}\" .\n"
                      f"{c} <{RDFS}subClassOf> <{OBO}SYN_{parent:07d}> .\n{c} <{XREF}> \"FMA:{i}\" .\n")


def write_turtle(path: Path, triples: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"@prefix obo: <{OBO}> .\n@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix rdfs: <{RDFS}> .\n"
                  "@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .\n")
        out.writelines(f"obo:SYN_{i:07d} a owl:Class ; rdfs:label \"synthetic class {i}\" ;\n"
                       f"    rdfs:subClassOf obo:SYN_{parent:07d} ; oboInOwl:hasDbXref \"FMA:{i}\" .\n"
                       for i, parent in classes(triples))


def write_rdfxml(path: Path, triples: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                  f'xmlns:rdfs="{RDFS}" xmlns:owl="http://www.w3.org/2002/07/owl#" '
                  'xmlns:oboInOwl="http://www.geneontology.org/formats/oboInOwl#">\n')
        out.writelines(f'<owl:Class rdf:about="{OBO}SYN_{i:07d}"><rdfs:label>synthetic class {i}</rdfs:label>'
                       f'<rdfs:subClassOf rdf:resource="{OBO}SYN_{parent:07d}"/>'
                       f'<oboInOwl:hasDbXref>FMA:{i}</oboInOwl:hasDbXref></owl:Class>\n'
                       for i, parent in classes(triples))
        out.write("</rdf:RDF>\n")


def gzip_copy(source: Path) -> Path:
    target = source.with_name(source.name + ".gz")
    with open(source, "rb") as raw, gzip.open(target, "wb", compresslevel=6) as packed:
        while chunk := raw.read(1 << 20):
            packed.write(chunk)
    return target


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(path: Path, bare: bool) -> None:
    """Load one file in this (fresh) process and print a JSON line with the figures."""
    import pyoxigraph as ox

    from tpgraph.store.external import load_external

    store = ox.Store()
    before = peak_rss_mb()
    started = time.perf_counter()
    if bare:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
        triples = len(store)
    else:
        [loaded] = load_external(store, [path])
        triples = loaded.triples
    seconds = time.perf_counter() - started
    print(json.dumps({"triples": triples, "seconds": seconds, "rss_mb": peak_rss_mb(), "rss_before_mb": before}))


def machine() -> str:
    cpu = platform.processor()
    if not cpu:
        try:
            with open("/proc/cpuinfo", encoding="ascii") as info:
                cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
        except (OSError, StopIteration):
            cpu = "unknown CPU"
    import pyoxigraph

    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"pyoxigraph {pyoxigraph.__version__}, {platform.system()} {platform.release()}")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), sys.argv[3] == "bare")
        return 0
    triples = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(f"machine: {machine()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="tpgraph-bench-external-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        nt, ttl, owl = folder / "synthetic.nt", folder / "synthetic-ttl.ttl", folder / "synthetic-owl.owl"
        write_ntriples(nt, triples)
        write_turtle(ttl, triples)
        write_rdfxml(owl, triples)
        runs = [("N-Triples, pyoxigraph bulk_load(path) alone", nt, "bare"),
                ("N-Triples", nt, "loader"), ("N-Triples, gzip", gzip_copy(nt), "loader"),
                ("Turtle", ttl, "loader"), ("RDF/XML", owl, "loader"), ("RDF/XML, gzip", gzip_copy(owl), "loader")]
        print(f"generated {triples:,} triples in 5 files in {time.perf_counter() - started:.1f} s", flush=True)
        print("\n| file | size (MB) | triples | wall time (s) | triples/s | peak RSS (MB) |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, path, mode in runs:
            done = subprocess.run([sys.executable, __file__, "--child", str(path), mode], capture_output=True,
                                  text=True, check=True)
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            if figures["triples"] != triples:
                raise SystemExit(f"{path.name}: loaded {figures['triples']} triples, expected {triples}")
            print(f"| {label} | {path.stat().st_size / 1e6:.1f} | {figures['triples']:,} | {figures['seconds']:.2f} "
                  f"| {figures['triples'] / figures['seconds']:,.0f} | {figures['rss_mb']:.0f} |", flush=True)
        print(f"\npeak RSS of a child before loading (Python, pyoxigraph, tpgraph.store.external imported): "
              f"{figures['rss_before_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
