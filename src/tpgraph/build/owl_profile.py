"""OWL 2 DL profile check, run through the OWL API bundled with owlready2.

Why this goes through Java: owlready2 (and rdflib) can read and reason over
an ontology but cannot tell whether it stays inside the OWL 2 DL profile
(declarations, simple-property restrictions, punning rules, ...).  The OWL
API's ``OWL2DLProfile`` checker can, and owlready2 already ships the OWL API
3.x inside its ``hermit/HermiT.jar``.  Reusing that jar means no extra Java
dependency has to be downloaded; only a Java runtime is needed.

The Java side is the single file ``tpgraph/java/ProfileCheck.java`` (package
data), started with the Java 11+ single-file source-code launcher::

    java -cp HermiT.jar ProfileCheck.java ONTOLOGY_FILE

so there is no javac step and no class cache to manage.  The price is that
the launcher compiles the file in memory on every call: a check of a small
file takes ~0.55 s instead of ~0.2 s with a precompiled class (measured on
Java 17, 2 cores), negligible for a build/test step.  The launcher needs the
``jdk.compiler`` module, which Debian's ``openjdk-17-jre-headless`` (pulled
in by ``default-jre-headless``) already has in its runtime image.

Nothing here runs at import time: the jar, the Java source and the ``java``
executable are looked up when :func:`check_owl2_dl` is called.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import logging
import os
import shutil
import subprocess
from pathlib import Path

__all__ = ["ProfileCheckError", "check_owl2_dl", "hermit_jar"]

log = logging.getLogger("tpgraph.profile")

#: Exit statuses of ProfileCheck.java.
_EXIT_OK = 0
_EXIT_VIOLATIONS = 1
_EXIT_ERROR = 2

#: JVM options.  C1-only JIT starts faster and, for a one-shot run like
#: this, also finishes sooner (measured: ~25-40 % less wall time even on a
#: 3 MB ontology).  UTF-8 so that non-ASCII IRIs/literals survive whatever
#: the locale is.
_JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-Dfile.encoding=UTF-8")

#: Default upper bound for one check; imports are followed, and an import
#: of an unreachable remote IRI could otherwise hang on the network.
DEFAULT_TIMEOUT = 300.0


class ProfileCheckError(RuntimeError):
    """The profile check could not be run or the ontology could not be loaded.

    Distinct from "the ontology has violations", which is a normal result
    (a non-empty list).  ``stderr`` holds the Java side's diagnostics, if any
    (for a parse error: why each OWL API parser rejected the file).
    """

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


def hermit_jar() -> Path:
    """Return the path of owlready2's bundled ``HermiT.jar``.

    Found through the import system rather than a hard-coded site-packages
    path, so it works in any venv/install layout.  ``find_spec`` does not
    import owlready2 (whose import has side effects such as creating its
    default world); it only locates the package directory.
    """
    spec = importlib.util.find_spec("owlready2")
    if spec is None or not spec.submodule_search_locations:
        raise ProfileCheckError(
            "owlready2 is not installed; it provides HermiT.jar (with the "
            "OWL API) needed for the OWL 2 DL profile check"
        )
    for location in spec.submodule_search_locations:
        jar = Path(location) / "hermit" / "HermiT.jar"
        if jar.is_file():
            return jar
    raise ProfileCheckError(
        "HermiT.jar not found in the owlready2 package "
        f"({', '.join(spec.submodule_search_locations)})"
    )


def _find_java(java: str | os.PathLike[str] | None) -> str:
    """Resolve the ``java`` executable, failing with an actionable message."""
    name = os.fspath(java) if java is not None else "java"
    found = shutil.which(name)
    if found is None:
        raise ProfileCheckError(
            f"Java runtime not found ({name!r} is not on PATH); the OWL 2 DL "
            "profile check needs Java 11 or newer with the jdk.compiler "
            "module (Debian: apt-get install default-jre-headless)"
        )
    return found


def check_owl2_dl(
    path: Path | str | os.PathLike[str],
    *,
    java: str | os.PathLike[str] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> list[str]:
    """Check an ontology file against the OWL 2 DL profile.

    Args:
        path: ontology file in any syntax the OWL API 3 can parse (RDF/XML,
            Turtle, N-Triples, OWL/XML, functional syntax, ...).  Imports
            are followed; an import that cannot be loaded is logged as a
            warning and skipped (its entities then count as undeclared).
        java: ``java`` executable to use (name on PATH or path); default
            ``java`` from PATH.
        timeout: seconds before the check is aborted; ``None`` for no limit.

    Returns:
        One string per violation as the OWL API describes it (e.g.
        ``"Use of undeclared class: <http://...#B> [SubClassOf(...) in
        OntologyID(...)]"``), sorted; an empty list means the ontology is
        in OWL 2 DL.

    Raises:
        ProfileCheckError: Java or HermiT.jar is missing, the file does not
            exist or cannot be parsed, or the check did not complete.
    """
    ontology = Path(path)
    if not ontology.is_file():
        raise ProfileCheckError(f"ontology file not found: {ontology}")
    java_exe = _find_java(java)
    jar = hermit_jar()

    source = importlib.resources.files(__package__ or "tpgraph") / "java" / "ProfileCheck.java"
    # as_file: the package may be installed zipped; the launcher needs a
    # real file whose name ends in .java.
    with importlib.resources.as_file(source) as source_file:
        if not source_file.is_file():
            raise ProfileCheckError(f"ProfileCheck.java missing from the package: {source_file}")
        command = [
            java_exe,
            *_JVM_OPTIONS,
            "-cp",
            str(jar),
            str(source_file),
            # Absolute, so a relative path cannot be mistaken for an option
            # and does not depend on the JVM's working directory.
            str(ontology.resolve()),
        ]
        try:
            result = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise ProfileCheckError(
                f"OWL 2 DL profile check of {ontology} timed out after {timeout} s"
            ) from exc
        except OSError as exc:
            raise ProfileCheckError(f"could not start {java_exe}: {exc}") from exc

    # ProfileCheck.java writes UTF-8 regardless of locale; JVM launcher
    # messages use the platform encoding, hence "replace" on stderr.
    stdout = result.stdout.decode("utf-8")
    stderr = result.stderr.decode("utf-8", errors="replace").strip()
    # Split on "\n" only: the Java side guarantees one violation per line,
    # and str.splitlines() would also split on e.g. U+2028 inside a literal.
    lines = [line.rstrip("\r") for line in stdout.split("\n") if line.strip()]

    if result.returncode == _EXIT_OK or (result.returncode == _EXIT_VIOLATIONS and lines):
        if stderr:
            # e.g. "warning: could not load import ..."
            log.warning("OWL 2 DL profile check of %s: %s", ontology, stderr)
        return lines

    if result.returncode == _EXIT_ERROR:
        # Keep the whole report: for a parse error it lists why each OWL API
        # parser rejected the file, with line/column for Turtle and RDF/XML.
        raise ProfileCheckError(
            f"OWL 2 DL profile check could not load {ontology}:\n{stderr or 'unknown error'}",
            stderr,
        )

    # Exit status 1 without violations (or anything else) comes from the JVM
    # itself: it could not start or could not compile ProfileCheck.java.
    hint = ""
    if "jdk.compiler" in stderr or ("ProfileCheck.java" in stderr and "main class" in stderr):
        hint = (
            " (the single-file source launcher needs Java 11+ with the "
            "jdk.compiler module; Debian: default-jre-headless, elsewhere a JDK)"
        )
    raise ProfileCheckError(
        f"OWL 2 DL profile check of {ontology} failed: {java_exe} exited with "
        f"status {result.returncode}{hint}: {stderr or '(no output)'}",
        stderr,
    )
