"""The admission queue: with every worker busy a query waits and is answered; 429 only past the queue or a
client's own cap, 503 only when the wait runs out. No test here measures time: threads are stepped with events
and the queue's own counts."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from tpgraph.build.dist import BuildResult
from tpgraph.endpoint.admission import Admission, Refused
from tpgraph.endpoint.settings import ServerSettings
from tpgraph.store.interface import QueryAnswer, QueryJob
from tpgraph.web.app import create_app

REPO = Path(__file__).resolve().parents[1]


def until(condition, what: str) -> None:
    """Wait for another thread to reach a state (not a timing assertion: the bound only stops a hung test)."""
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.005)


def test_a_query_beyond_the_running_cap_waits_and_runs_when_a_place_frees() -> None:
    admission = Admission(running=1, per_client_running=2, per_client_total=8, queue_length=4, max_wait=30)
    assert admission.enter("a") == 0.0
    admitted = []
    waiter = threading.Thread(target=lambda: admitted.append(admission.enter("b")))
    waiter.start()
    until(lambda: admission.queued == 1, "b queued")
    assert (admission.running, admitted) == (1, [])
    admission.leave("a")
    waiter.join(10)
    assert (len(admitted), admission.running, admission.queued) == (1, 1, 0)


def test_waiters_are_served_in_arrival_order_skipping_a_client_at_its_running_cap() -> None:
    admission = Admission(running=2, per_client_running=1, per_client_total=8, queue_length=8, max_wait=30)
    admission.enter("a")
    admission.enter("b")
    order: list[str] = []

    def wait(client: str) -> None:
        admission.enter(client)
        order.append(client)

    threads = []
    for n, client in enumerate(("a", "c", "d")):  # a's second query must wait for a's first, not for any place
        threads.append(threading.Thread(target=wait, args=(client,)))
        threads[-1].start()
        until(lambda n=n: admission.queued == n + 1, f"{client} queued")
    admission.leave("b")  # one place: a is first in line but at its cap, so c gets it
    until(lambda: order == ["c"], "c admitted")
    admission.leave("a")  # a's place goes to a's waiting query, ahead of d
    until(lambda: order == ["c", "a"], "a admitted")
    admission.leave("c")
    for thread in threads:
        thread.join(10)
    assert order == ["c", "a", "d"]


def test_refusals_say_why() -> None:
    admission = Admission(running=1, per_client_running=1, per_client_total=2, queue_length=1, max_wait=0)
    admission.enter("a")
    with pytest.raises(Refused) as wait_ran_out:
        admission.enter("b")  # queued, and the wait (0 s) runs out at once
    assert (wait_ran_out.value.status, wait_ran_out.value.reason) == (503, "wait-timeout")
    assert admission.queued == 0
    patient = Admission(running=1, per_client_running=1, per_client_total=2, queue_length=1, max_wait=30)
    patient.enter("a")
    threading.Thread(target=patient.enter, args=("b",), daemon=True).start()
    until(lambda: patient.queued == 1, "b queued")
    with pytest.raises(Refused) as full:
        patient.enter("c")
    assert (full.value.status, full.value.reason) == (429, "queue-full")
    with pytest.raises(Refused) as over_cap:
        patient.enter("b")  # b has one waiting and may have two: but the queue is full
    assert over_cap.value.status == 429
    own = Admission(running=4, per_client_running=1, per_client_total=2, queue_length=8, max_wait=30)
    own.enter("a")
    threading.Thread(target=own.enter, args=("a",), daemon=True).start()
    until(lambda: own.queued == 1, "a's second query queued")
    with pytest.raises(Refused) as client_cap:
        own.enter("a")
    assert (client_cap.value.status, client_cap.value.reason) == (429, "client-cap")
    assert str(client_cap.value) == "you already have 2 queries running or waiting; wait for one to finish"
    patient.leave("a")
    own.leave("a")


class GatedStore:
    """Each query blocks until the test opens the gate; counts what entered."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.entered = 0
        self.lock = threading.Lock()

    def execute(self, job: QueryJob) -> QueryAnswer:
        with self.lock:
            self.entered += 1
        self.gate.wait(10)
        return QueryAnswer(200, b'{"head":{},"boolean":true}', job.media_type)


@pytest.fixture(scope="module")
def settings(built: BuildResult) -> ServerSettings:
    return ServerSettings(dist=built.out_dir, queries=REPO / "queries", cache_entries=0)


def test_one_address_with_four_threads_gets_no_error(settings: ServerSettings) -> None:
    """Two queries run (the client's running cap), two wait in the queue, and all four are answered 200."""
    store = GatedStore()
    app = create_app(replace(settings, workers=4), store)
    statuses: list[int] = []

    def ask(n: int) -> None:
        statuses.append(app.test_client().get("/sparql", query_string={"query": f"ASK {{ ?s ?p {n} }}"}).status_code)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    until(lambda: store.entered == 2, "two queries running")
    # /metrics answers while queries wait, and shows them waiting
    until(lambda: "tpgraph_queue_length 2.0" in app.test_client().get("/metrics").data.decode(), "two queued")
    assert "tpgraph_queries_running 2.0" in app.test_client().get("/metrics").data.decode()
    assert app.test_client().get("/health").status_code == 200
    store.gate.set()
    for thread in threads:
        thread.join(10)
    assert statuses == [200, 200, 200, 200]
    text = app.test_client().get("/metrics").data.decode()
    assert "tpgraph_queue_wait_seconds_count 4.0" in text


def test_a_wait_that_runs_out_is_503_and_counted(settings: ServerSettings) -> None:
    store = GatedStore()
    app = create_app(replace(settings, max_in_flight=1, queue_wait=0), store)
    first: list[int] = []
    thread = threading.Thread(target=lambda: first.append(app.test_client().get("/sparql?query=ASK%7B%7D").status_code))
    thread.start()
    until(lambda: store.entered == 1, "the first query running")
    second = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                                   environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert (second.status_code, second.headers["Retry-After"], second.data) == (
        503, "1", b"every query worker stayed busy for 0 s; try again shortly\n")
    store.gate.set()
    thread.join(10)
    assert first == [200]
    assert 'tpgraph_queue_refused_total{reason="wait-timeout"} 1.0' in app.test_client().get("/metrics").data.decode()


class DeadlineStore(GatedStore):
    """A GatedStore that keeps each job's time limit and answers the second query as a worker at its deadline."""

    def __init__(self) -> None:
        super().__init__()
        self.limits: list[float | None] = []

    def execute(self, job: QueryJob) -> QueryAnswer:
        self.limits.append(job.time_limit)
        answer = super().execute(job)
        if len(self.limits) == 2:
            return QueryAnswer.failure(503, f"the query did not finish within the {job.time_limit:.1f} s time limit "
                                            "and was stopped")
        return answer


def test_the_wait_is_taken_off_the_time_a_query_may_run(settings: ServerSettings) -> None:
    """One deadline from arrival: a query that waited for a worker runs with the rest, and its 503 says so."""
    store = DeadlineStore()
    app = create_app(replace(settings, max_in_flight=1, timeout=10, queue_wait=8), store)
    replies: dict[str, tuple[int, bytes]] = {}

    def ask(client: str) -> None:
        response = app.test_client().get("/sparql", query_string={"query": f"ASK {{ ?s ?p '{client}' }}"},
                                         environ_base={"REMOTE_ADDR": client})
        replies[client] = (response.status_code, response.data)

    first = threading.Thread(target=ask, args=("10.0.0.1",))
    first.start()
    until(lambda: store.entered == 1, "the first query running")
    second = threading.Thread(target=ask, args=("10.0.0.2",))
    second.start()
    until(lambda: app.test_client().get("/health").status_code == 200 and "tpgraph_queue_length 1.0" in
          app.test_client().get("/metrics").data.decode(), "the second query waiting")
    store.gate.set()
    first.join(10)
    second.join(10)
    assert store.limits[0] is None  # no wait: the store's own limit (the whole deadline)
    assert store.limits[1] is not None and 2.0 <= store.limits[1] < 10.0
    status, body = replies["10.0.0.2"]
    assert status == 503
    assert body.startswith(f"the query did not finish within the {store.limits[1]:.1f} s time limit and was stopped "
                           "(it first waited ".encode())
    assert body.endswith(b" s for a worker: the 10 s deadline counts from the query's arrival)\n")
    assert replies["10.0.0.1"][0] == 200


def test_a_query_waits_at_most_four_fifths_of_the_deadline() -> None:
    settings = ServerSettings()
    assert (settings.timeout, settings.queue_wait, settings.admission_wait) == (10.0, 8.0, 8.0)
    assert replace(settings, timeout=5).admission_wait == 4.0
    assert replace(settings, queue_wait=1.5).admission_wait == 1.5


def test_http_threads_cover_every_running_and_queued_query() -> None:
    settings = ServerSettings()
    assert settings.http_threads == settings.in_flight_cap + settings.queue_length + 32
    assert replace(settings, threads=5).http_threads == 5
