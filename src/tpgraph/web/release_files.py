"""Serve the published releases, so that every version IRI a release declares dereferences.

``tpgraph release VERSION`` freezes a build as ``releases/VERSION/`` and names each file
``https://w3id.org/tpgraph/releases/VERSION/<file>`` (the ``owl:versionIRI`` of ``tpgraph.owl``,
``tpgraph-full.owl`` and ``tpgraph.trig``; the SSSOM set's ``mapping_set_id``). w3id redirects those IRIs here
(``docs/w3id/.htaccess``); this module answers them with the frozen files, unchanged, and lists the releases
at ``/releases/``.

Only folders whose names are release versions are served (a staging folder left by an interrupted release is
not), file names are joined with werkzeug's ``safe_join`` (no way out of the folder), and a release never
changes once published, so its files are sent as immutable, with ETags. The routes are the ``releases``
blueprint (``releases_blueprint``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, redirect, render_template, send_from_directory, url_for

from tpgraph.model.versions import existing_releases
from tpgraph.web.responses import text

MEDIA_TYPES = {
    ".owl": "application/rdf+xml",
    ".trig": "application/trig",
    ".ttl": "text/turtle",
    ".tsv": "text/tab-separated-values",
    ".xml": "application/xml",
    ".json": "application/json",
}
"""What each kind of released file is; anything else is sent as werkzeug guesses from its name."""

IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class ReleasedFile:
    path: str  # relative to the release folder, with '/'
    size: int


def released_files(folder: Path) -> list[ReleasedFile]:
    """Every file of one release folder, sorted by path."""
    return sorted((ReleasedFile(p.relative_to(folder).as_posix(), p.stat().st_size)
                   for p in folder.rglob("*") if p.is_file()), key=lambda f: f.path)


def releases_blueprint(releases: Path | None) -> Blueprint:
    """``/releases/``, ``/releases/VERSION/`` and ``/releases/VERSION/<file>`` over the folder ``releases``
    (None: no release is published here)."""
    routes = Blueprint("releases", __name__)

    def versions() -> list[str]:
        return list(reversed(existing_releases(releases))) if releases is not None else []

    @routes.get("/releases/")
    def releases_index() -> Response:
        listed = [(version, released_files(releases / version)) for version in versions()]  # type: ignore[operator]
        return Response(render_template("releases.html", releases=listed),
                        content_type="text/html; charset=utf-8")

    @routes.get("/releases/<version>/")
    def release_index(version: str) -> Response:
        published = versions()
        if version not in published:
            return text(404, _unknown(version, published))
        return redirect(url_for("releases.releases_index", _anchor=f"v{version}"), 303)

    @routes.get("/releases/<version>/<path:name>")
    def release_download(version: str, name: str) -> Response:
        published = versions()
        if version not in published:
            return text(404, _unknown(version, published))
        folder = releases / version  # type: ignore[operator]
        response = send_from_directory(folder, name, mimetype=MEDIA_TYPES.get(Path(name).suffix))
        response.headers["Cache-Control"] = IMMUTABLE
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    return routes


def _unknown(version: str, known: list[str]) -> str:
    published = ", ".join(known) if known else "none"
    return f"no release {version} on this server (published: {published})"
