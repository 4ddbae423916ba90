"""The httpx-views command, run as a subprocess on good and bad targets."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import ROOT, TIMEOUT, read_port, spawn

COMMAND = shutil.which("httpx-views", path=str(Path(sys.executable).parent))


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``python -m httpx_views *args`` to completion."""
    return subprocess.run(
        [sys.executable, "-m", "httpx_views", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def assert_one_line_error(
    result: subprocess.CompletedProcess[str], fragment: str
) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("httpx-views: error: ")
    assert fragment in lines[0]


# -- both ways in --------------------------------------------------------------


def test_cli_console_script_is_installed() -> None:
    assert COMMAND is not None
    result = subprocess.run(
        [COMMAND, "--help"], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert result.returncode == 0
    assert "serve" in result.stdout
    assert "routes" in result.stdout


@pytest.mark.parametrize("command", ["serve", "routes"])
def test_cli_python_m_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert "TARGET" in result.stdout
    assert "package.module:attribute" in result.stdout


# -- routes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            "examples/payment_required.py",
            [
                r"GET,HEAD\s+/buy\s+-\s+payment_required\.buy\s+-",
                r"GET,HEAD\s+/checkout\s+-\s+payment_required\.checkout\s+-",
                r"HTTPNotFound\s+/\s+\(default response\)\s+-",
                r"HTTPForbidden\s+/\s+\(default response\)\s+-",
            ],
        ),
        (
            "examples/forbidden.py:app",
            [
                r"GET,HEAD\s+/notes\s+-\s+forbidden\.read_notes\s+read",
                r"POST\s+/notes\s+-\s+forbidden\.write_note\s+write",
                r"HTTPForbidden\s+/\s+forbidden\.forbidden\s+-",
            ],
        ),
        (
            "examples/not_found.py",
            [
                r"ANY\s+/books/\{id:int\}\s+book\s+not_found\.book\s+-",
                r"HTTPNotFound\s+/api\s+not_found\.api_not_found\s+-",
                r"HTTPNotFound\s+/\s+not_found\.not_found\s+append_slash",
            ],
        ),
        (
            "examples.unauthorized:app",
            [
                r"ANY\s+/raise\s+-\s+examples\.unauthorized\.raising\s+-",
                r"ANY\s+/by-code\s+-\s+examples\.unauthorized\.by_code\s+-",
            ],
        ),
    ],
)
def test_cli_routes_lists_routes_and_exception_views(
    target: str, expected: list[str]
) -> None:
    result = run("routes", target)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "Routes:"
    assert re.match(r"\s+METHODS\s+PATTERN\s+NAME\s+VIEW\s+PERMISSION$", lines[1])
    assert "Exception views:" in lines
    for pattern in expected:
        assert any(re.fullmatch(r"\s+" + pattern, line) for line in lines), pattern


def test_cli_routes_exception_view_for_any_exception(tmp_path: Path) -> None:
    (tmp_path / "web.py").write_text(
        "from httpx_views import App\n"
        "app = App()\n"
        "@app.exception_view(KeyError, path_prefix='/api')\n"
        "def missing(request):\n"
        "    return 'missing'\n"
    )
    result = run("routes", "web.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "  (none)" in result.stdout
    assert re.search(r"KeyError\s+/api\s+web\.missing\s+-", result.stdout)


def test_cli_routes_module_target_from_current_folder(tmp_path: Path) -> None:
    # The console script, unlike python -m, does not put the current
    # folder on the path by itself.
    assert COMMAND is not None
    (tmp_path / "site_app.py").write_text(
        "from httpx_views import App\napplication = App()\n"
        "application.add_route('/x', lambda request: 'x', name='x')\n"
    )
    result = subprocess.run(
        [COMMAND, "routes", "site_app:application"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"ANY\s+/x\s+x\s+site_app\.<lambda>\s+-", result.stdout)


# -- bad input: one line, exit status 2 ------------------------------------------

BAD_FILES = {
    "broken_import.py": "import no_such_dependency_anywhere\n",
    "broken_code.py": "app = 1 / 0\n",
    "broken_syntax.py": "def app(:\n",
    "plain_wsgi.py": (
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'plain']\n"
    ),
    "not_wsgi.py": (
        "from httpx_views import App\n"
        "app = App()\n"
        "name = 'x'\n"
        "def factory():\n"
        "    return app\n"
    ),
}


@pytest.fixture
def bad_files(tmp_path: Path) -> Path:
    for name, source in BAD_FILES.items():
        (tmp_path / name).write_text(source)
    return tmp_path


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["routes", "no_such_module_here"], "no module named 'no_such_module_here'"),
        (["serve", "no_such_pkg.web:app"], "no module named 'no_such_pkg'"),
        (["routes", "missing.py"], "no such file: 'missing.py'"),
        (["routes", "sub/dir/web.py:app"], "no such file: 'sub/dir/web.py'"),
        (["routes", "not_wsgi.py:nope"], "has no attribute 'nope' (its App: app)"),
        (["serve", "not_wsgi.py:name"], "not a WSGI application: it is a str"),
        (
            ["serve", "not_wsgi.py:factory"],
            "it takes (), not (environ, start_response)",
        ),
        (["routes", "httpx_views:App"], "it is the class App"),
        (["routes", "os:path"], "it is the module"),
        (["routes", "broken_import.py"], "ModuleNotFoundError"),
        (["serve", "broken_code.py"], "ZeroDivisionError: division by zero"),
        (["routes", "broken_syntax.py"], "SyntaxError"),
        (["routes", "plain_wsgi.py"], "a WSGI application but not an httpx_views App"),
        (["routes", "bad target"], "invalid target"),
        (["serve", "plain_wsgi.py", "--port", "70000"], "invalid port '70000'"),
        (["serve", "plain_wsgi.py", "--port", "-1"], "invalid port '-1'"),
        (["serve", "plain_wsgi.py", "--port", "http"], "invalid port 'http'"),
        (["serve", "plain_wsgi.py", "--threads", "0"], "invalid thread count '0'"),
        (["serve", "plain_wsgi.py", "--threads", "many"], "invalid thread count"),
        (["serve"], "required: TARGET"),
        ([], "required: COMMAND"),
        (["start", "x"], "invalid choice: 'start'"),
    ],
)
def test_cli_bad_input_is_one_line_and_status_2(
    bad_files: Path, args: list[str], fragment: str
) -> None:
    result = run(*args, cwd=bad_files)
    assert_one_line_error(result, fragment)
    assert "Traceback" not in result.stderr


def test_cli_import_error_names_the_file_and_line(bad_files: Path) -> None:
    result = run("routes", "broken_code.py", cwd=bad_files)
    assert_one_line_error(result, "broken_code.py, line 1)")


# -- serve ---------------------------------------------------------------------


@pytest.fixture
def serve(request: pytest.FixtureRequest) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start ``httpx-views serve`` processes; kill any left running at the end."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=TIMEOUT)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def start(
    started: list[subprocess.Popen[bytes]], *args: str
) -> tuple[subprocess.Popen[bytes], int]:
    process = spawn(sys.executable, "-m", "httpx_views", "serve", *args, "--port", "0")
    started.append(process)
    return process, read_port(process, r"^Serving \S+ on http://127\.0\.0\.1:(\d+) ")


def get(
    port: int, path: str, method: str = "GET"
) -> tuple[int, str, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.reason, dict(response.headers), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_serve_answers_logs_and_stops_cleanly(
    serve: list[subprocess.Popen[bytes]], stop_signal: signal.Signals
) -> None:
    process, port = start(serve, "examples/payment_required.py", "--threads", "2")

    status, reason, headers, body = get(port, "/buy")
    assert (status, reason) == (402, "Payment Required")
    assert body == b"Please swipe your credit card."
    assert headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert get(port, "/buy", "POST")[0] == 405
    assert get(port, "/buy", "HEAD")[3] == b""

    os.kill(process.pid, stop_signal)
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, err
    assert b"Traceback" not in err
    # The "Serving" line was read by start().
    lines = out.decode().splitlines()
    assert len(lines) == 4, lines
    log = r'127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "%s" %s'
    assert re.fullmatch(log % (r"GET /buy HTTP/1\.1", "402 30"), lines[0]), lines
    assert re.fullmatch(log % (r"POST /buy HTTP/1\.1", r"405 \d+"), lines[1]), lines
    assert re.fullmatch(log % (r"HEAD /buy HTTP/1\.1", "402 -"), lines[2]), lines
    assert lines[3] == "Stopped."


def test_cli_serve_access_log_escapes_request_line(
    serve: list[subprocess.Popen[bytes]],
) -> None:
    process, port = start(serve, "examples/payment_required.py")
    # A quote, a backslash and an ANSI escape sequence: none may reach the
    # log as such (they could forge a field or drive a terminal).
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(b'GET /a"b\\c\x1b[31m HTTP/1.0\r\n\r\n')
        assert sock.recv(1024).startswith(b"HTTP/1.0 404 ")
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=TIMEOUT)
    assert rb'"GET /a\x22b\x5cc\x1b[31m HTTP/1.0" 404' in out
    assert b"\x1b" not in out


def test_cli_serve_logs_app_errors_on_stderr(
    serve: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    web = tmp_path / "failing.py"
    web.write_text(
        "from httpx_views import App\napp = App()\n"
        "@app.route('/fail')\ndef fail(request):\n    raise RuntimeError('oops')\n"
    )
    process, port = start(serve, str(web))
    assert get(port, "/fail")[0] == 500
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0
    assert b'"GET /fail HTTP/1.1" 500' in out
    assert b"RuntimeError: oops" in err


def test_cli_serve_port_in_use_is_one_line_and_status_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "examples/payment_required.py", "--port", str(port))
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port}")
    assert "in use" in result.stderr
