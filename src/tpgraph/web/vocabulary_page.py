"""The ontology's documentation as one HTML page, made by pyLODE (https://github.com/RDFLib/pyLODE).

pyLODE renders classes and properties with their labels, definitions, super-classes, domains and ranges, and
gives every term an anchor named after its local name, so ``https://w3id.org/tpgraph/vocab#Muscle`` lands on
``/vocab#Muscle``. Its page is self-contained (styles inline, icons as data URIs): nothing is fetched from
elsewhere. pyLODE is pinned at 3.2.1: 3.4.1 reads its own pyproject.toml at import time and fails when
installed from a wheel.
"""

from __future__ import annotations

import re
from pathlib import Path

from tpgraph.model.namespaces import VOCAB_IRI

ENTITY = re.compile(r'(<div class="[^"]*entity" id="([^"]+)">)(.*?<code>([^<]+)</code>)', re.DOTALL)


def vocabulary_html(ontology: Path) -> str:
    """The documentation page of the ontology in ``ontology`` (Turtle), with an anchor per term's local name."""
    from pylode import OntPub

    return anchor_local_names(OntPub(ontology=str(ontology)).make_html())


def anchor_local_names(html: str) -> str:
    """Give every term an anchor named after its IRI's local name.

    pyLODE names some entries after their label instead (``id="bodyregion"`` for ``vocab#BodyRegion``), so the
    term's own IRI would land at the top of the page; an empty anchor with the local name fixes that.
    """
    def add(match: re.Match) -> str:
        opening, given, rest, iri = match.group(1), match.group(2), match.group(3), match.group(4)
        local = iri[len(VOCAB_IRI) + 1:] if iri.startswith(VOCAB_IRI + "#") else None
        if local is None or local == given:
            return match.group(0)
        return f'{opening}<span id="{local}"></span>{rest}'

    return ENTITY.sub(add, html)
