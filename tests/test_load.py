"""Load: an App under Waitress and many clients at once; a leak check.

The server runs in a subprocess (its own interpreter, so the clients do not
share its GIL), on an ephemeral port of 127.0.0.1, and is stopped by PID.
Both tests drive the same mix of routes: 200s, raised 401/402/403/404, the
framework's own 403/404/405, and a 500 from a failing view.
"""

from __future__ import annotations

import gc
import http.client
import io
import json
import linecache
import logging
import random
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from harness import drain, read_port

from httpx_views import (
    App,
    HTTPForbidden,
    HTTPNotFound,
    HTTPPaymentRequired,
    HTTPUnauthorized,
    Request,
)

TESTS = Path(__file__).resolve().parent

# -- the application and the mix ----------------------------------------------------


class _AllowNobody:
    def identity(self, request: Request) -> Any:
        return None

    def permits(self, request: Request, permission: str) -> bool:
        return False


class _Recorder(logging.Handler):
    """Formats each ERROR record, as a real handler would, and counts it."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0
        self._lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        self.format(record)
        with self._lock:
            self.count += 1


def _raiser(make: Callable[[], Exception]) -> Callable[[Request], Any]:
    def view(request: Request) -> Any:
        raise make()

    return view


def _boom(request: Request) -> Any:
    raise RuntimeError("the failing view failed, as it should")


def build_app(recorder: _Recorder | None = None) -> App:
    """The App both tests serve; ``/stats`` counts the errors it logged."""
    app = App(security_policy=_AllowNobody())
    app.add_route("/ok", lambda request: "ok", methods=["GET"])
    app.add_route("/items/{id:int}", lambda request: {"id": request.matchdict["id"]})
    app.add_route("/echo", lambda request: request.body, methods=["POST"])
    app.add_route(
        "/unauthorized",
        _raiser(lambda: HTTPUnauthorized(www_authenticate='Basic realm="load"')),
    )
    app.add_route("/pay", _raiser(HTTPPaymentRequired))
    app.add_route("/forbidden", _raiser(HTTPForbidden))
    app.add_route("/admin", lambda request: "never", permission="admin")
    app.add_route("/missing", _raiser(HTTPNotFound))
    app.add_route("/boom", _boom)
    if recorder is not None:
        app.add_route("/stats", lambda request: {"errors": recorder.count})
    return app


class Call(NamedTuple):
    """One request of the mix and what its answer must be."""

    method: str
    path: str
    body: bytes
    status: int
    expected_body: bytes | None  # None: not checked


KINDS = 12


def make_call(rng: random.Random, kind: int | None = None) -> Call:
    """A random call of the given *kind* (0 to 11), or of a random one."""
    number = rng.randrange(1_000_000)
    choice = rng.randrange(KINDS) if kind is None else kind
    if choice == 0:
        return Call("GET", "/ok", b"", 200, b"ok")
    if choice == 1:
        body = json.dumps({"id": number}).encode()
        return Call("GET", f"/items/{number}", b"", 200, body)
    if choice == 2:
        payload = rng.randbytes(rng.randrange(4096))
        return Call("POST", "/echo", payload, 200, payload)
    if choice == 3:
        return Call("HEAD", "/ok", b"", 200, b"")
    if choice == 4:
        return Call("GET", "/unauthorized", b"", 401, None)
    if choice == 5:
        return Call("GET", "/pay", b"", 402, None)
    if choice == 6:
        return Call("GET", "/forbidden", b"", 403, None)
    if choice == 7:
        return Call("GET", "/admin", b"", 403, None)
    if choice == 8:
        return Call("GET", "/missing", b"", 404, None)
    if choice == 9:
        return Call("GET", f"/nowhere/{number}", b"", 404, None)
    if choice == 10:
        return Call("DELETE", "/ok", b"", 405, None)
    return Call("GET", "/boom", b"", 500, None)


def serve_forever(threads: int) -> None:
    """The server process: print the port, then serve until terminated."""
    from waitress import create_server

    recorder = _Recorder()
    logger = logging.getLogger("httpx_views")
    logger.addHandler(recorder)
    logger.propagate = False
    server = create_server(
        build_app(recorder), host="127.0.0.1", port=0, threads=threads
    )
    print(server.effective_port, flush=True)
    server.run()


# Run in the server process: ``python -c _SERVER <tests dir> <threads>``.
_SERVER = (
    "import sys; sys.path.insert(0, sys.argv[1]); import test_load; "
    "test_load.serve_forever(int(sys.argv[2]))"
)

# -- under Waitress -----------------------------------------------------------------

SERVER_THREADS = 4
CLIENTS = 8
CALLS_PER_CLIENT = 200
DEADLINE = 60.0  # seconds for the whole client phase; it takes about 2


def _client(
    port: int, seed: int, outcomes: list[tuple[Call, int, bytes]], failures: list[str]
) -> None:
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for _ in range(CALLS_PER_CLIENT):
            call = make_call(rng)
            try:
                connection.request(call.method, call.path, body=call.body or None)
                response = connection.getresponse()
                outcomes.append((call, response.status, response.read()))
            except (OSError, http.client.HTTPException) as exc:
                failures.append(f"{call.method} {call.path}: {exc!r}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    finally:
        connection.close()


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_load_under_waitress_every_answer_right_no_connection_error(
    tmp_path: Path,
) -> None:
    with (
        open(tmp_path / "server.log", "wb") as server_log,
        subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(TESTS), str(SERVER_THREADS)],
            stdout=subprocess.PIPE,
            stderr=server_log,
            cwd=TESTS.parent,
            bufsize=0,  # unbuffered, for the select() in read_port
        ) as proc,
    ):
        try:
            port = read_port(proc, r"^(\d+)$", timeout=30)
            outcomes: list[tuple[Call, int, bytes]] = []
            failures: list[str] = []
            clients = [
                threading.Thread(target=_client, args=(port, seed, outcomes, failures))
                for seed in range(CLIENTS)
            ]
            started = time.monotonic()
            for client in clients:
                client.start()
            for client in clients:
                client.join(max(0.0, DEADLINE - (time.monotonic() - started)))
            assert not any(client.is_alive() for client in clients), "too slow"
            assert failures == []
            assert len(outcomes) == CLIENTS * CALLS_PER_CLIENT
            wrong = [
                (call.method, call.path, status)
                for call, status, body in outcomes
                if status != call.status
                or (call.expected_body is not None and body != call.expected_body)
            ]
            assert wrong == []
            # Still answering, and every 500 was logged exactly once.
            assert _get(port, "/ok") == (200, b"ok")
            status, body = _get(port, "/stats")
            failed = sum(call.path == "/boom" for call, _, _ in outcomes)
            assert (status, json.loads(body)) == (200, {"errors": failed})
            assert proc.poll() is None
        finally:
            proc.terminate()  # by its PID
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# -- leak check ---------------------------------------------------------------------

LEAK_REQUESTS = 100_000
WARM_UP = 5_000
# 48 KiB. Measured, 100,000 requests leave about 9 KiB behind after the
# warm-up (caches of the interpreter). A leak keeps at least a pointer (8
# bytes) per leaking request, and the mix sends each of its twelve kinds of
# call 8,333 times: a leak on any one route keeps >= 66 KB.
LEAK_BOUND = 48 * 1024


def _in_process(app: App, calls: list[tuple[dict[str, Any], Call]], count: int) -> None:
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        statuses.append(status)

    for index in range(count):
        template, call = calls[index % len(calls)]
        environ = dict(template)
        environ["wsgi.input"] = io.BytesIO(call.body)
        body = drain(app(environ, start_response))
        status = statuses.pop()
        assert int(status[:3]) == call.status, (call, status)
        if call.expected_body is not None:
            assert body == call.expected_body, call


def _traced() -> int:
    """Bytes traced now, less tracemalloc's own and linecache's.

    Formatting a logged traceback reads source files through linecache,
    which reads a file again when it changed on disk (an editor saving
    app.py during the run): that is not the App's memory.
    """
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [
            tracemalloc.Filter(False, tracemalloc.__file__),
            tracemalloc.Filter(False, linecache.__file__),
        ]
    )
    return sum(stat.size for stat in snapshot.statistics("filename"))


def test_leak_100k_requests_leave_memory_flat() -> None:
    rng = random.Random(6)
    calls = []
    for index in range(600):  # distinct paths and bodies, every kind as often
        call = make_call(rng, index % KINDS)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": call.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": call.path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT": rng.choice(
                ["text/html", "application/json", "*/*", "text/plain"]
            ),
            "CONTENT_LENGTH": str(len(call.body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        calls.append((environ, call))
    recorder = _Recorder()
    app = build_app(recorder)
    # Errors are logged (and formatted) as usual, but not kept by pytest's
    # log capture, which would look like a leak.
    logger = logging.getLogger("httpx_views")
    logger.addHandler(recorder)
    logger.propagate = False
    try:
        _in_process(app, calls, WARM_UP)
        gc.collect()
        tracemalloc.start()
        try:
            # The first traced requests allocate what lives for good (caches
            # of this interpreter): they are part of the warm-up.
            _in_process(app, calls, WARM_UP)
            gc.collect()
            logged_before = recorder.count
            before = _traced()
            _in_process(app, calls, LEAK_REQUESTS)
            gc.collect()
            after = _traced()
        finally:
            tracemalloc.stop()
    finally:
        logger.removeHandler(recorder)
        logger.propagate = True
    failed = sum(calls[i % len(calls)][1].path == "/boom" for i in range(LEAK_REQUESTS))
    assert recorder.count - logged_before == failed
    growth = after - before
    assert growth < LEAK_BOUND, f"{growth} bytes kept by {LEAK_REQUESTS} requests"
