"""A fixed-seed sample of the route fuzzer (``fuzz/routes.py``) against one real ``tpgraph serve`` in CI.

Every route beside /sparql — record and graph pages, body maps, /api, /pain, /vocab, /releases, the built files
and the operations routes — gets odd paths, query strings, headers and methods. No answer may be a 5xx (other
than a documented 503 for busy workers or a time limit), show a traceback, or leave the server unhealthy. The
long run is ``python fuzz/run_long.py --routes 100000`` (fuzz/RESULTS.md).
"""

from __future__ import annotations

import os
import random
import sys
from collections import Counter
from pathlib import Path

import pytest

from live_server import live_server

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "fuzz"))

from harness import Req, check_response, leak_markers, send  # noqa: E402
from routes import ROUTES, random_route_request  # noqa: E402

SEED = int(os.environ.get("TPGRAPH_FUZZ_SEED", "20261205"))
INPUTS = 250
TIMEOUT = 2.0


def test_the_sample_reaches_every_route() -> None:
    rng = random.Random(SEED)
    shapes = Counter(random_route_request(rng).shape for _ in range(INPUTS))
    assert set(shapes) == {f"route:{route.name}" for route in ROUTES}


@pytest.mark.slow
def test_route_fuzz_sample(built, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    with live_server(built.out_dir, log, "--timeout", str(TIMEOUT), "--workers", "2", root=REPO) as server:
        host, port = server.url.removeprefix("http://").split(":")
        markers = leak_markers((str(built.out_dir), str(tmp_path)))
        rng = random.Random(SEED)
        failures, statuses = [], Counter()
        for _ in range(INPUTS):
            req = random_route_request(rng)
            out = send(host, int(port), req, timeout=TIMEOUT + 8)
            statuses[out.status] += 1
            problems = check_response(req, out, TIMEOUT, markers)
            if problems:
                failures.append(f"{req.method} {req.path} {req.headers}: {problems}")
        health = send(host, int(port), Req("GET", "/health"), timeout=5)
        assert failures == [], "\n".join(failures[:20])
        assert health.status == 200 and server.process.poll() is None
        assert "Traceback" not in log.read_text(errors="replace")
        assert statuses[500] == 0 and sum(statuses[s] for s in (200, 303, 404)) > INPUTS // 2, statuses
