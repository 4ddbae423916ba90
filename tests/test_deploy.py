"""The examples behave the same under Waitress, Gunicorn, Granian and wsgiref.

Each server runs in a process group of its own on an ephemeral 127.0.0.1
port, all started at once (to keep this quick), driven by ``http.client``
and stopped by process id (its group too, should it not stop in time). The
reference for every answer is the App called in-process; the servers must
send the same status line, headers and body.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import gunicorn.config
import pytest
import webob
from harness import EXAMPLES, TIMEOUT, example, read_port, spawn

# The headers an App decides; servers add Date, Server, Connection.
COMPARED_HEADERS = (
    "Content-Type",
    "Content-Length",
    "Location",
    "WWW-Authenticate",
    "Allow",
    "Vary",
)

# Gunicorn >= 25.1 opens a control socket in $HOME by default; parallel
# test servers must not fight over it.
GUNICORN_OPTIONS = ["--workers", "1", "--graceful-timeout", "5"]
if hasattr(gunicorn.config, "ControlSocketDisable"):
    GUNICORN_OPTIONS.append("--no-control-socket")

# wsgiref's server, stopped cleanly by SIGTERM like the others.
WSGIREF = """
import importlib.util, signal, sys
from wsgiref.simple_server import make_server

spec = importlib.util.spec_from_file_location("example", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
server = make_server("127.0.0.1", 0, module.app)
signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
print(f"port {server.server_port}", flush=True)
server.serve_forever()
"""


def server_command(server: str, example: str, port: int) -> tuple[list[str], str, str]:
    """The command starting *server* on *example*, and its port line.

    Granian is given *port*; the others pick their own and print it.
    """
    path = str(EXAMPLES / f"{example}.py")
    if server == "waitress":
        return (
            [sys.executable, "-m", "httpx_views", "serve", path, "--port", "0"],
            "stdout",
            r"on http://127\.0\.0\.1:(\d+) ",
        )
    if server == "wsgiref":
        return [sys.executable, "-c", WSGIREF, path], "stdout", r"^port (\d+)$"
    if server == "granian":
        command = [sys.executable, "-m", "granian", "--interface", "wsgi"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
        command += ["--blocking-threads", "2", "--no-ws"]
        command += ["--working-dir", str(EXAMPLES), f"{example}:app"]
        # It logs this once its main process has bound the port; the worker
        # binds it again itself, so listening is checked after (see below).
        return command, "stdout", rf"Listening at: http://127\.0\.0\.1:({port})$"
    worker = server.removeprefix("gunicorn-")
    command = [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0"]
    command += [*GUNICORN_OPTIONS, "--worker-class", worker]
    if worker == "gthread":
        command += ["--threads", "2"]
    command += ["--pythonpath", str(EXAMPLES), f"{example}:app"]
    return command, "stderr", r"Listening at: http://127\.0\.0\.1:(\d+) "


SERVERS = ["waitress", "gunicorn-sync", "gunicorn-gthread", "granian", "wsgiref"]


@dataclass(frozen=True)
class Call:
    """One request to an example."""

    example: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def __str__(self) -> str:
        return f"{self.example}:{self.method} {self.path}{dict(self.headers) or ''}"


BOB = ("Authorization", "Bearer bob-token")
ALICE = ("Authorization", "Bearer alice-token")
JSON = ("Accept", "application/json")
HTML = ("Accept", "text/html")

BUY = Call("payment_required", "GET", "/buy")
NOTES_ANONYMOUS = Call("forbidden", "GET", "/notes")
NOTE_BY_ALICE = Call(
    "forbidden", "POST", "/notes", (ALICE, ("Content-Type", "text/plain")), b"hi"
)
NO_SUCH_BOOK = Call("not_found", "GET", "/books/caf%C3%A9%20cr%C3%A8me")

CALLS = [
    BUY,
    Call("payment_required", "HEAD", "/buy"),
    Call("payment_required", "GET", "/checkout"),
    Call("payment_required", "GET", "/checkout", (JSON,)),
    Call("payment_required", "GET", "/checkout", (HTML,)),
    Call("payment_required", "POST", "/buy", body=b"x"),
    Call("payment_required", "OPTIONS", "/buy"),
    Call("payment_required", "GET", "/nowhere?x=1"),
    Call("unauthorized", "GET", "/raise"),
    Call("unauthorized", "GET", "/return", (JSON,)),
    Call("unauthorized", "DELETE", "/by-code"),
    NOTES_ANONYMOUS,
    Call("forbidden", "GET", "/notes", (BOB,)),
    Call("forbidden", "POST", "/notes", (BOB,), b"hi"),
    NOTE_BY_ALICE,
    Call("not_found", "GET", "/books/1"),
    Call("not_found", "GET", "/books/42"),
    NO_SUCH_BOOK,
    Call("not_found", "GET", "/api/books/42"),
]


@dataclass
class Answer:
    status: str
    headers: dict[str, str]
    body: bytes


def in_process(call: Call) -> Answer:
    """What the App answers to *call* with no server in between."""
    request = webob.Request.blank(call.path, method=call.method)
    request.headers.update(dict(call.headers))
    if call.body:
        request.body = call.body
    response = request.get_response(example(call.example).app)
    headers = {k: v for k, v in response.headers.items() if k in COMPARED_HEADERS}
    body = b"" if call.method == "HEAD" else response.body
    return Answer(response.status, headers, body)


def over_http(port: int, call: Call) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(
            call.method, call.path, body=call.body or None, headers=dict(call.headers)
        )
        response = connection.getresponse()
        body = response.read()
        headers = {
            name: response.headers[name]
            for name in COMPARED_HEADERS
            if name in response.headers
        }
        return Answer(f"{response.status} {response.reason}", headers, body)
    finally:
        connection.close()


# -- the servers -----------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int = 0


def hold_port() -> socket.socket:
    """A socket keeping a free 127.0.0.1 port from everyone but Granian.

    Granian cannot be given port 0: on Linux each worker binds the address
    itself, and its log says ``:0``. So it is given a free port, held by
    this socket until Granian listens: bound but not listening, so it takes
    no connections, and with ``SO_REUSEPORT``, which Granian's sockets set
    too, so Granian can bind beside it while any other program is refused.
    """
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind(("127.0.0.1", 0))
    return holder


def wait_listening(server: Server) -> None:
    """Wait until *server* takes connections; fail if it exits or times out."""
    deadline = time.monotonic() + TIMEOUT
    while server.process.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
        except ConnectionRefusedError:
            time.sleep(0.05)
        else:
            return
    status, output = stop(server)
    pytest.fail(f"{server.name} never listened on {server.port} ({status}): {output!r}")


def stop(server: Server) -> tuple[int | None, bytes]:
    """SIGTERM the server by its process id; return its exit status, output.

    One that does not stop in time is killed with its process group; so is
    any process its master left behind.
    """
    process = server.process
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
    status: int | None = None
    try:
        out, err = process.communicate(timeout=TIMEOUT)
        status = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate(timeout=TIMEOUT)
    with contextlib.suppress(ProcessLookupError):  # nothing left: as wanted
        os.killpg(process.pid, signal.SIGKILL)
    return status, out + err


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[tuple[str, str], Server]]:
    """Every server on every example, started together; stopped at the end."""
    running: dict[tuple[str, str], Server] = {}
    waits = []
    try:
        with contextlib.ExitStack() as holders:
            for server_name in SERVERS:
                for name in sorted({call.example for call in CALLS}):
                    port = 0
                    if server_name == "granian":
                        port = holders.enter_context(hold_port()).getsockname()[1]
                    command, stream, pattern = server_command(server_name, name, port)
                    process = spawn(*command, new_session=True)
                    server = Server(server_name, process, port)
                    running[server_name, name] = server
                    waits.append((server, stream, pattern))
            for server, stream, pattern in waits:
                server.port = read_port(server.process, pattern, stream=stream)
                wait_listening(server)
        yield running
    finally:
        failures = []
        for (server_name, name), server in running.items():
            status, output = stop(server)
            if status != 0:
                failures.append(f"{server_name} on {name}: exit {status}: {output!r}")
        assert not failures, failures


@pytest.mark.parametrize("server_name", SERVERS)
@pytest.mark.parametrize("call", CALLS, ids=str)
def test_deploy_server_answers_like_the_app(
    servers: dict[tuple[str, str], Server], server_name: str, call: Call
) -> None:
    server = servers[server_name, call.example]
    assert server.process.poll() is None, f"{server_name} died"
    assert over_http(server.port, call) == in_process(call)


# A few absolute facts, so that the comparison cannot pass by the App and
# every server being wrong the same way.
@pytest.mark.parametrize(
    ("call", "status", "body"),
    [
        (BUY, "402 Payment Required", b"Please swipe your credit card."),
        (NOTES_ANONYMOUS, "401 Unauthorized", None),
        (NOTE_BY_ALICE, "201 Created", b'{"saved": "hi"}'),
        (NO_SUCH_BOOK, "404 Not Found", b"Nothing at /books/caf%C3%A9%20cr%C3%A8me."),
    ],
    ids=str,
)
def test_deploy_reference_answers(call: Call, status: str, body: bytes | None) -> None:
    answer = in_process(call)
    assert answer.status == status
    if body is not None:
        assert answer.body == body
