""""Did you mean …?": the one way tpgraph suggests a name after a misspelt one (data files, queries, records).

Each caller keeps its own strictness (``cutoff``) and the way the hint joins its message (``lead``); the
matching and the wording are here.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable


def did_you_mean(word: str, candidates: Iterable[str], *, cutoff: float = 0.5, lead: str = "; ",
                 quote: Callable[[str], str] = repr) -> str:
    """``{lead}did you mean 'a' or 'b'?`` for up to three close candidates, or "" when none is close."""
    close = difflib.get_close_matches(word, list(candidates), n=3, cutoff=cutoff)
    if not close:
        return ""
    return f"{lead}did you mean {' or '.join(quote(c) for c in close)}?"
