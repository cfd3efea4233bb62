"""Coverage-guided fuzzing of ``tpgraph.sparql.prescan.prescan`` with atheris (libFuzzer for Python).

    pip install atheris
    python fuzz/atheris_prescan.py -runs=200000 -max_len=20000 SEED_DIR

Run by ``fuzz/run_long.py``, which seeds it with the harness corpus. The property is the one of the short CI
run: ``prescan`` returns a ScanResult or raises QueryRefused with status 400, 403 or 413, in well under the
``-timeout``; anything else is raised, and libFuzzer saves the input (``-artifact_prefix``).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["tpgraph.sparql.prescan"]):
    from tpgraph.sparql.prescan import QueryRefused, ScanResult, prescan


def test_one(data: bytes) -> None:
    text = data.decode("utf-8", "surrogateescape")
    try:
        result = prescan(text)
    except QueryRefused as err:
        if err.status not in (400, 403, 413):
            raise AssertionError(f"QueryRefused with status {err.status}") from err
        return
    if not isinstance(result, ScanResult):
        raise TypeError(f"prescan returned {type(result).__name__}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()
