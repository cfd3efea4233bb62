"""The ``tpgraph`` command: a thin layer over plain functions (build, validate, check, query)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tpgraph.build.loader import DataError
from tpgraph.endpoint.settings import ServerSettings
from tpgraph.model.namespaces import EXTERNAL_GRAPH_BASE

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _paths(args: argparse.Namespace):
    from tpgraph.paths import ProjectPaths, default_paths

    return ProjectPaths(Path(args.root)) if args.root else default_paths()


def _report_problems(err: DataError, outcome: str = "nothing was built") -> int:
    """Print every problem (file:line: what to fix) and a count; the exit status for a failure."""
    for problem in err.problems:
        print(problem, file=sys.stderr)
    count = len(err.problems)
    print(f"{count} problem{'s' if count != 1 else ''} found; {outcome}.", file=sys.stderr)
    return EXIT_FAILED


def _progress_line() -> Callable[[str], None] | None:
    """On a terminal, one line on stderr rewritten at each stage with the time so far; nothing in logs or CI."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    start = time.monotonic()

    def show(stage: str) -> None:
        print(f"\r\033[K{time.monotonic() - start:5.1f} s  {stage}…", end="", file=sys.stderr, flush=True)

    return show


def cmd_build(args: argparse.Namespace) -> int:
    from tpgraph.build.dist import build

    paths = _paths(args)
    progress = _progress_line()
    try:
        result = build(paths, Path(args.out) if args.out else None, force=args.force, progress=progress)
    except DataError as err:
        return _report_problems(err)
    finally:
        if progress is not None:
            print("\r\033[K", end="", file=sys.stderr, flush=True)  # the progress line gives way to the result
    records = ", ".join(f"{n} {t}" for t, n in result.records.items() if n)
    how = f"{'up to date' if result.reused else 'built'} {result.out_dir}"
    if result.redone is not None:
        how += f" (incremental: {result.redone} file{'s' if result.redone != 1 else ''} redone, the rest reused)"
    print(f"{how}: {result.quads} quads in {result.graphs} named graphs "
          f"({result.derived} derived), records: {records}")
    print(f"build id {result.build_id}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from tpgraph.build.loader import load
    from tpgraph.build.validate import validate_loaded

    paths = _paths(args)
    try:
        loaded = load(paths.data, paths.ontology)
        validate_loaded(loaded, paths.shapes, paths.quality_checks)
    except DataError as err:
        return _report_problems(err, "the data are invalid")
    print(f"valid: {len(loaded.records)} records, {sum(1 for _ in loaded.dataset.quads())} quads")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from tpgraph.build.check import consistency, start_profile_check
    from tpgraph.build.loader import load
    from tpgraph.build.owl_profile import ProfileCheckError
    from tpgraph.build.reasoner import ReasonerError

    paths = _paths(args)
    try:
        loaded = load(paths.data, paths.ontology)
    except DataError as err:
        return _report_problems(err)
    failed = False
    try:
        profile = start_profile_check(loaded, paths.import_module)
        hermit_error: ReasonerError | None = None
        try:
            result = consistency(loaded)  # HermiT, while the profile check runs on its own thread
        except ReasonerError as err:
            hermit_error = err
        violations = profile.result()
    except ProfileCheckError as err:
        print(f"OWL 2 DL profile check could not run: {err}", file=sys.stderr)
        return EXIT_FAILED
    if violations:
        failed = True
        print(f"OWL 2 DL profile: {len(violations)} violation(s)")
        for line in violations:
            print(f"  {line}")
    else:
        print("OWL 2 DL profile: no violations")
    if hermit_error is not None:
        print(f"HermiT could not run: {hermit_error}", file=sys.stderr)
        return EXIT_FAILED
    if result.consistent:
        print("HermiT: ontology and data are consistent")
    else:
        failed = True
        print(f"HermiT: INCONSISTENT; smallest clashing set of records ({result.reasoner_calls} reasoner runs):")
        for key in result.clash:
            entry = loaded.records.get(tuple(key.split("/", 1)))  # type: ignore[arg-type]
            where = f" ({entry.location})" if entry else ""
            print(f"  {key}{where}")
    return EXIT_FAILED if failed else EXIT_OK


def cmd_release(args: argparse.Namespace) -> int:
    from tpgraph.release.publish import ReleaseError, release

    paths = _paths(args)
    try:
        result = release(paths, args.version, Path(args.out) if args.out else None)
    except ReleaseError as err:
        print(f"release refused: {err}", file=sys.stderr)
        return EXIT_USAGE
    except DataError as err:
        return _report_problems(err, "nothing was released")
    print(f"released {result.version} in {result.folder}: {result.records} records, {result.triples} triples")
    for name in result.files:
        print(f"  {name}")
    print(f"added to {result.changes_file}:\n")
    sys.stdout.write(result.changes)
    return EXIT_OK


def cmd_imports(args: argparse.Namespace) -> int:
    from tpgraph.build.outputs import canonical_nquads, parse_nquads
    from tpgraph.build.protege_module import write_module
    from tpgraph.build.loader import load

    paths = _paths(args)
    try:
        loaded = load(paths.data, paths.ontology)
    except DataError as err:
        return _report_problems(err, "the import module was not written")
    classes = write_module(parse_nquads(canonical_nquads(loaded.dataset)), paths.external_ids, paths.import_module)
    print(f"wrote {paths.import_module}: {classes} external classes with their labels and parents")
    return EXIT_OK


def _split_param(text: str) -> tuple[str, str]:
    from tpgraph.sparql.values import ParameterError

    name, sep, value = text.partition("=")
    if not sep or not name:
        raise ParameterError(f"--param takes name=value, got '{text}'")
    return name.strip(), value


def _named_query(args: argparse.Namespace, paths):
    """The query ``args.query`` names: a ``.rq`` file, or a query of the catalogue (close matches on a miss)."""
    from tpgraph.catalogue.named_queries import find, load_catalogue, parse_query

    query_path = Path(args.query)
    if query_path.suffix == ".rq" and query_path.is_file():
        return parse_query(query_path.stem, query_path.read_text(encoding="utf-8"))
    return find(load_catalogue(paths.queries), args.query)


def _report_external(err: Exception) -> int:
    """A ``--with`` file that cannot be loaded: its one-line reason; 2 for a mistaken request, 1 for a bad file."""
    from tpgraph.store.external import ExternalArgumentError

    print(err, file=sys.stderr)
    return EXIT_USAGE if isinstance(err, ExternalArgumentError) else EXIT_FAILED


def cmd_query(args: argparse.Namespace) -> int:
    from tpgraph.catalogue.named_queries import CatalogueError
    from tpgraph.store.external import ExternalDataError, plan_external
    from tpgraph.store.embedded import OxigraphStore

    paths = _paths(args)
    try:
        named = _named_query(args, paths)
    except CatalogueError as err:
        print(err, file=sys.stderr)
        return EXIT_USAGE
    dist = Path(args.dist) if args.dist else paths.dist
    if args.store:
        if args.external:
            print("--with loads files into the embedded store; it cannot be used with --store", file=sys.stderr)
            return EXIT_USAGE
        store = _remote_store(args.store, args.timeout)
        if store is None:
            return EXIT_FAILED
    else:
        try:
            plan_external(args.external)  # a mistaken --with is reported before the build is loaded
            store = OxigraphStore.from_dist(dist)
            store.add_external(args.external, sys.stderr)
        except FileNotFoundError as err:
            print(err, file=sys.stderr)
            return EXIT_FAILED
        except ExternalDataError as err:
            return _report_external(err)
    return _run_named(args, named, store)


def _remote_store(query_url: str, timeout: float):
    """A RemoteStore at ``query_url`` (credentials from the environment) whose default graph is the union; None
    after printing why not."""
    from tpgraph.store.remote import RemoteStore, RemoteStoreError

    store = RemoteStore.from_environment(query_url, timeout=timeout)
    try:
        store.check_union_default_graph()
    except RemoteStoreError as err:
        print(err, file=sys.stderr)
        return None
    return store


def _run_named(args: argparse.Namespace, named, store) -> int:
    """Bind the query's parameters (looked up in ``store``) and print its answer in ``args.format``."""
    from tpgraph.catalogue.parameters import bind
    from tpgraph.sparql.values import ParameterError
    from tpgraph.store.remote import RemoteStoreError
    from tpgraph.cli_table import table
    from tpgraph.store.interface import QueryError, SelectResult

    try:
        values = dict(_split_param(p) for p in args.param)
        text = bind(store, named, values)
    except ParameterError as err:
        print(f"{named.name}: {err}", file=sys.stderr)
        return EXIT_USAGE
    except RemoteStoreError as err:
        print(err, file=sys.stderr)
        return EXIT_FAILED
    media = {"json": "application/sparql-results+json", "csv": "text/csv", "tsv": "text/tab-separated-values"}
    try:
        if args.format == "table":
            answer = store.run(text)
            if isinstance(answer, SelectResult):
                sys.stdout.write(table(answer))
            elif isinstance(answer, bool):
                print("true" if answer else "false")
            else:
                sys.stdout.write(store.serialized(text, "application/n-triples").decode("utf-8"))
        else:
            sys.stdout.write(store.serialized(text, media[args.format]).decode("utf-8"))
    except QueryError as err:
        print(f"{named.name}: {err}", file=sys.stderr)
        return EXIT_FAILED
    except RemoteStoreError as err:
        print(err, file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def cmd_pain(args: argparse.Namespace) -> int:
    """Rank the muscles whose referral patterns best explain a pain drawing (the ranking of ``/api/pain``)."""
    import json

    from tpgraph.catalogue.named_queries import CatalogueError, find, load_catalogue
    from tpgraph.catalogue.pain_output import csv_text, table_text
    from tpgraph.catalogue.pain_search import QUERY_NAME, DrawingError, read_drawing, search
    from tpgraph.store.embedded import OxigraphStore

    paths = _paths(args)
    try:
        named = find(load_catalogue(paths.queries), QUERY_NAME)
        store = OxigraphStore.from_dist(Path(args.dist) if args.dist else paths.dist)
    except (CatalogueError, FileNotFoundError) as err:
        print(err, file=sys.stderr)
        return EXIT_FAILED
    try:
        drawing = read_drawing(store, args.regions)
    except DrawingError as err:
        for problem in err.problems:
            print(f"pain: {problem}", file=sys.stderr)
        return EXIT_USAGE
    answer = search(store, named, drawing)
    if args.format == "json":
        sys.stdout.write(json.dumps(answer.as_json(), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        sys.stdout.write(csv_text(answer))
    else:
        sys.stdout.write(table_text(answer))
    return EXIT_OK


def cmd_queries(args: argparse.Namespace) -> int:
    from tpgraph.catalogue.named_queries import CatalogueError, load_catalogue

    try:
        catalogue = load_catalogue(_paths(args).queries)
    except CatalogueError as err:
        print(err, file=sys.stderr)
        return EXIT_FAILED
    for query in catalogue:
        print(f"{query.name}\n  {query.summary}")
        for p in query.parameters:
            default = f" (default {p.default})" if p.default else ""
            print(f"  --param {p.name}=…  a {p.noun}{default}; e.g. {p.example}")
    print(f"{len(catalogue)} queries; run one with: tpgraph query NAME [--param name=value] [--format table|json|csv|tsv]")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from tpgraph.store.external import ExternalDataError, plan_external
    from tpgraph.serve import serve
    from tpgraph.watch import BuildFailed

    paths = _paths(args)
    try:
        plan_external(args.external)  # a mistaken --with is reported before anything is built or loaded
    except ExternalDataError as err:
        return _report_external(err)
    settings = ServerSettings.for_project(
        paths,
        host=args.host, port=args.port, timeout=args.timeout, workers=args.workers, threads=args.threads,
        worker_memory_mb=args.worker_memory_mb, queue_length=args.queue_length, queue_wait=args.queue_wait,
        per_client_in_flight=args.per_client, per_client_queries=args.per_client_queries,
        body_limit=args.body_limit, row_cap=args.row_cap, trusted_proxies=args.trusted_proxies,
        slow_query_ms=args.slow_ms, dist=Path(args.dist) if args.dist else paths.dist,
        cache_entries=0 if args.no_cache else ServerSettings.cache_entries,
    )
    if args.store:
        return _serve_remote(args, settings)
    if args.watch and not paths.data.is_dir():
        print(f"--watch rebuilds from the sources, and {paths.data} does not exist; run it in a checkout or name "
              "one with --root", file=sys.stderr)
        return EXIT_USAGE
    try:
        serve(settings, paths, rebuild=args.build, external=args.external, watch=args.watch)
    except DataError as err:
        return _report_problems(err)
    except BuildFailed as err:
        print(err, file=sys.stderr)
        print("nothing was served: there is no earlier build to fall back on.", file=sys.stderr)
        return EXIT_FAILED
    except ExternalDataError as err:
        return _report_external(err)
    except FileNotFoundError as err:
        print(err, file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def _serve_remote(args: argparse.Namespace, settings) -> int:
    from tpgraph.store.remote import RemoteStoreError
    from tpgraph.serve import serve_remote

    if args.external or args.build or args.watch:
        print("--with, --build and --watch act on the embedded store; they cannot be used with --store",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        serve_remote(settings, args.store)
    except RemoteStoreError as err:
        print(err, file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def cmd_push(args: argparse.Namespace) -> int:
    from tpgraph.store.push import PushError, push, query_url_for
    from tpgraph.store.remote import RemoteStore, RemoteStoreError

    dist = Path(args.dist) if args.dist else _paths(args).dist
    query_url = args.query or query_url_for(args.to)
    store = RemoteStore.from_environment(query_url, args.to, timeout=args.timeout)
    try:
        report = push(store, dist, lambda line: print(line, file=sys.stderr, flush=True))
    except (PushError, RemoteStoreError) as err:
        print(f"push failed: {err}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()
    print(f"pushed {dist / 'tpgraph.nq'} to {args.to}: {report.graphs} graphs, {report.triples} triples "
          f"in {report.seconds:.1f} s; every graph's count checked through {query_url}")
    return EXIT_OK


STORE_HELP = ("evaluate on this SPARQL 1.1 query endpoint instead of the embedded store (its default graph must "
              "be the union of its named graphs; credentials from TPGRAPH_STORE_USER and TPGRAPH_STORE_PASSWORD)")


WITH_EPILOG = """\
external datasets (--with FILE ...):
  Each file goes into its own named graph,
    """ + EXTERNAL_GRAPH_BASE + """<file name without extensions>
  (uberon.owl.gz -> .../graph/external/uberon). The default graph stays the
  union of all graphs, so one query joins tpgraph records to external classes:
    SELECT ?label WHERE { muscle:psoas-major skos:exactMatch ?c .
                          ?c rdfs:label ?label }
  Formats: .owl or .rdf (RDF/XML), .ttl (Turtle), .nt (N-Triples), each
  optionally gzip-compressed (.gz). Put --with last, or end its list with --."""


def _add_with(p: argparse.ArgumentParser) -> None:
    p.add_argument("--with", dest="external", nargs="+", action="extend", default=[], type=Path, metavar="FILE",
                   help="also load these RDF files (e.g. an Uberon or FMA release), each into its own named graph; "
                        "see below")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="tpgraph", description="Build, check and query the tpgraph knowledge graph.")
    top.add_argument("--root", help="project folder holding ontology/, data/ and dist/ (default: this checkout)")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="load, validate, infer and write dist/ atomically")
    p.add_argument("--out", help="output folder (default: dist/)")
    p.add_argument("--force", action="store_true",
                   help="build even when the output folder already holds the build of these exact sources")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("release", help="build and publish releases/VERSION/ (never overwritten); log it in CHANGES.md")
    p.add_argument("version", metavar="VERSION", help="MAJOR.MINOR.PATCH, greater than the latest release")
    p.add_argument("--out", help="releases folder (default: releases/)")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("imports", help="regenerate ontology/imports/external.ttl from reference/external-ids.tsv")
    p.set_defaults(func=cmd_imports)

    p = sub.add_parser("validate", help="check the data files and SHACL shapes; non-zero exit on any problem")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("check", help="OWL 2 DL profile and HermiT consistency of ontology + data")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("query", help="run a named query or a SPARQL query file against the built dataset",
                       epilog=WITH_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", help="the name of a named query (see tpgraph queries), or a .rq file")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter the query declares; a record's id, label, synonym or IRI")
    p.add_argument("--format", choices=("table", "json", "csv", "tsv"), default="table")
    p.add_argument("--dist", help="built dataset folder (default: dist/)")
    p.add_argument("--store", metavar="QUERY_URL", help=STORE_HELP)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for --store to answer")
    _add_with(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("pain", help="rank the muscles whose trigger points best explain a pain drawing",
                       description="Rank the muscles whose charted referral patterns best explain the drawn regions "
                                   "(at most 12; a region's id, label, synonym or lay phrase). A suggestion of "
                                   "where to look, not a diagnosis; side is ignored. The rule: "
                                   "docs/decisions/20261205-pain-drawing-search.md")
    p.add_argument("regions", nargs="*", metavar="REGION", help="a drawn body region, e.g. groin or 'lower back'")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--dist", help="built dataset folder (default: dist/)")
    p.set_defaults(func=cmd_pain)

    p = sub.add_parser("queries", help="list the named queries and their parameters")
    p.set_defaults(func=cmd_queries)

    S = ServerSettings  # the server options default to the settings' own defaults
    p = sub.add_parser("serve", help="serve the SPARQL endpoint and query page (waitress, sandboxed workers)",
                       epilog=WITH_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default=S.host, help=f"address to listen on (default {S.host}: this machine only)")
    p.add_argument("--port", type=int, default=S.port)
    p.add_argument("--timeout", type=float, default=S.timeout, help="seconds a query may run before it is stopped")
    p.add_argument("--workers", type=int, default=S.workers, help="query worker processes")
    p.add_argument("--threads", type=int, default=S.threads,
                   help="HTTP threads and connections (default: running + queued queries + 32)")
    p.add_argument("--queue-length", type=int, default=S.queue_length,
                   help=f"queries that may wait for a busy worker (default {S.queue_length}; beyond: 429)")
    p.add_argument("--queue-wait", type=float, default=S.queue_wait,
                   help=f"seconds a query may wait for a worker (default {S.queue_wait:g}, at most 4/5 of --timeout; "
                        "then 503); the wait counts against --timeout")
    p.add_argument("--per-client", type=int, default=S.per_client_in_flight,
                   help=f"queries one client may have running (default {S.per_client_in_flight})")
    p.add_argument("--per-client-queries", type=int, default=S.per_client_queries,
                   help=f"queries one client may have running or waiting (default {S.per_client_queries}; beyond: 429)")
    p.add_argument("--worker-memory-mb", type=int, default=S.worker_memory_mb,
                   help="memory a query worker may allocate beyond the loaded data before it is stopped")
    p.add_argument("--body-limit", type=int, default=S.body_limit, help="largest request body or query, in bytes")
    p.add_argument("--row-cap", type=int, default=S.row_cap, help="most rows (or triples) in one answer")
    p.add_argument("--slow-ms", type=float, default=S.slow_query_ms, help="log queries slower than this")
    p.add_argument("--trusted-proxies", type=int, default=S.trusted_proxies,
                   help="number of reverse proxies whose X-Forwarded-* headers give the public URL")
    p.add_argument("--no-cache", action="store_true", help="turn the result cache off (for benchmarks)")
    p.add_argument("--dist", help="built dataset folder (default: dist/)")
    p.add_argument("--build", action="store_true", help="rebuild from the sources before serving")
    p.add_argument("--watch", action="store_true",
                   help="rebuild when data/, ontology/ or queries/ change and swap the new build in; a bad edit "
                        "keeps the last good build served and the pages, /health and the log say what to fix")
    p.add_argument("--store", metavar="QUERY_URL", help=STORE_HELP + "; no worker is forked, --workers caps the "
                   "queries in flight to it and --timeout is the HTTP timeout")
    _add_with(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("push", help="load dist/ into a SPARQL 1.1 server (Graph Store Protocol PUT per graph) and "
                                    "check every graph's triple count",
                       description="Credentials, when the server needs them, come from the environment only: "
                                   "TPGRAPH_STORE_USER and TPGRAPH_STORE_PASSWORD (HTTP Basic, or Digest when the "
                                   "server refuses Basic).")
    p.add_argument("--to", required=True, metavar="GSP_URL",
                   help="the Graph Store Protocol endpoint (Oxigraph server .../store, Virtuoso "
                        ".../sparql-graph-crud-auth, Fuseki .../DATASET/data)")
    p.add_argument("--query", metavar="QUERY_URL",
                   help="the query endpoint used to check the push (default: next to GSP_URL for Oxigraph server, "
                        "Virtuoso, Fuseki and GraphDB, else GSP_URL itself)")
    p.add_argument("--dist", help="built dataset folder (default: dist/)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each HTTP request")
    p.set_defaults(func=cmd_push)
    return top


def preview_bodymap(argv: Sequence[str] | None = None) -> int:
    """Preview: write a muscle's (or group's) map to stdout, e.g. ``python -m tpgraph.cli preview-bodymap --muscle psoas-major``."""
    import pyoxigraph as ox

    from tpgraph.model.iris import record_iri
    from tpgraph.store.embedded import OxigraphStore
    from tpgraph.web.bodymap import region_labels, render_map, zones_for

    parser = argparse.ArgumentParser(prog="python -m tpgraph.cli preview-bodymap", description=preview_bodymap.__doc__)
    parser.add_argument("--muscle", required=True, help="muscle or group id, e.g. psoas-major or iliopsoas")
    parser.add_argument("--dist", type=Path, default=Path("dist"), help="the built dataset (default: dist)")
    args = parser.parse_args(argv)
    store = OxigraphStore.from_dist(args.dist)
    for kind in ("muscle", "group"):
        iri = record_iri(kind, args.muscle)
        found = store.select("SELECT ?s ?label WHERE { ?s rdfs:label ?label }", {"s": ox.NamedNode(iri)})
        if len(found):
            name = str(found.rows[0][1].value)  # type: ignore[union-attr]
            sys.stdout.write(render_map(zones_for(store, iri), region_labels(store), f"Referred pain: {name}"))
            return 0
    print(f"no muscle or group {args.muscle!r} in {args.dist}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["preview-bodymap"]:  # a developer's preview, not a documented command
        return preview_bodymap(argv[1:])
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
