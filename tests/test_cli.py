"""The httpx-views command, run as a subprocess on good and bad targets."""

from __future__ import annotations

import argparse
import contextlib
import errno
import http.client
import importlib
import inspect
import io
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NoReturn

import pytest
import waitress.server
from harness import ROOT, TIMEOUT, environ_for, read_port, spawn
from test__access_log import LOG_LINE, bare_logging

from httpx_views import App, HTTPNotFound, cli

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


def test_cli_routes_takes_an_app_with_middleware_of_both_kinds(tmp_path: Path) -> None:
    # WSGI middleware installed inside the App leaves the App the target.
    (tmp_path / "web.py").write_text(
        "from werkzeug.middleware.proxy_fix import ProxyFix\n"
        "from httpx_views import App\n"
        "app = App()\n"
        "app.add_wsgi_middleware(ProxyFix, x_for=1)\n"
        "app.add_middleware(lambda request, call_next: call_next(request))\n"
        "app.add_route('/notes', lambda request: [], name='notes')\n"
    )
    result = run("routes", "web.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"ANY\s+/notes\s+notes\s+web\.<lambda>\s+-", result.stdout)


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
    "notes.txt": "app = None\n",
}


@pytest.fixture
def bad_files(tmp_path: Path) -> Path:
    for name, source in BAD_FILES.items():
        (tmp_path / name).write_text(source)
    return tmp_path


# Bad input: the command line, and a fragment of the one error line.
BAD_INPUT = [
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
    (["routes", ""], "invalid target ''"),
    (["routes", "./notes.txt"], "cannot import './notes.txt': not a Python file"),
    # A module the target imports is missing, not the target itself.
    (
        ["routes", "broken_import"],
        "importing 'broken_import' failed: ModuleNotFoundError: "
        "No module named 'no_such_dependency_anywhere'",
    ),
    (["serve", "plain_wsgi.py", "--port", "70000"], "invalid port '70000'"),
    (["serve", "plain_wsgi.py", "--port", "-1"], "invalid port '-1'"),
    (["serve", "plain_wsgi.py", "--port", "http"], "invalid port 'http'"),
    (["serve", "plain_wsgi.py", "--threads", "0"], "invalid thread count '0'"),
    (["serve", "plain_wsgi.py", "--threads", "many"], "invalid thread count"),
    (
        ["serve", "plain_wsgi.py", "--debug"],
        "'plain_wsgi.py' is a WSGI application but not an httpx_views App: "
        "--debug needs an App",
    ),
    # Refused before the reloader starts: no process left waiting for a fix.
    (["serve", "plain_wsgi.py", "--reload", "--port", "http"], "invalid port 'http'"),
    (["serve", "plain_wsgi.py", "--reload=yes"], "ignored explicit argument 'yes'"),
    (["serve"], "required: TARGET"),
    ([], "required: COMMAND"),
    (["start", "x"], "invalid choice: 'start'"),
]


@pytest.mark.parametrize(("args", "fragment"), BAD_INPUT)
def test_cli_bad_input_is_one_line_and_status_2(
    bad_files: Path, args: list[str], fragment: str
) -> None:
    result = run(*args, cwd=bad_files)
    assert_one_line_error(result, fragment)
    assert "Traceback" not in result.stderr


def test_cli_import_error_names_the_file_and_line(bad_files: Path) -> None:
    result = run("routes", "broken_code.py", cwd=bad_files)
    assert_one_line_error(result, "broken_code.py, line 1)")


def test_cli_missing_attribute_without_app_gives_no_hint(bad_files: Path) -> None:
    # The hint names the module's Apps; a module without one gets none.
    result = run("routes", "plain_wsgi.py:nope", cwd=bad_files)
    assert_one_line_error(result, "module 'plain_wsgi.py' has no attribute 'nope'")
    assert "its App" not in result.stderr


def test_cli_routes_file_named_like_an_imported_module(tmp_path: Path) -> None:
    # web/argparse.py must not take the place of the argparse module the
    # command has imported: the file itself uses the real one as it loads.
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "argparse.py").write_text(
        "import argparse\n"
        "parser = argparse.ArgumentParser()\n"
        "from httpx_views import App\n"
        "app = App()\n"
        "app.add_route('/parsed', lambda request: 'x', name='parsed')\n"
    )
    result = run("routes", "web/argparse.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"ANY\s+/parsed\s+parsed\s", result.stdout)


# -- a target that fails to import in any way: one line, exit status 2 ----------

FAILING_TARGETS = {
    "str_fails.py": (
        "class Unprintable(Exception):\n"
        "    def __str__(self):\n"
        "        raise RuntimeError('no text either')\n"
        "raise Unprintable()\n"
    ),
    "lazy_import_error.py": (
        "def __getattr__(name):\n"
        "    raise ImportError(f'{name} needs the extra [web]')\n"
    ),
    "lazy_other_error.py": (
        "def __getattr__(name):\n    raise RuntimeError('not configured')\n"
    ),
    "lazy_str_fails.py": (
        "import str_fails_too\n"
        "def __getattr__(name):\n"
        "    raise str_fails_too.Unprintable()\n"
    ),
    "str_fails_too.py": (
        "class Unprintable(Exception):\n"
        "    def __str__(self):\n"
        "        raise RuntimeError('no text either')\n"
    ),
    "multi_line.py": "raise ValueError('first line\\nsecond line')\n",
    "imports_bad_syntax.py": "import bad_syntax\n",
    "bad_syntax.py": "app = (\n",
    "exits.py": "import sys\nsys.exit(3)\n",
    "exits_bare.py": "raise SystemExit\n",
    "exits_with_message.py": "import sys\nsys.exit('no config file')\n",
    "proxy.py": (
        "class Proxy:\n"
        "    @property\n"
        "    def __class__(self):\n"
        "        raise RuntimeError('outside of a context')\n"
        "app = Proxy()\n"
    ),
}


@pytest.fixture
def failing_targets(tmp_path: Path) -> Path:
    for name, source in FAILING_TARGETS.items():
        (tmp_path / name).write_text(source)
    return tmp_path


UNPRINTABLE = r"Unprintable: <exception str\(\) failed>"


def where(file: str, line: int) -> str:
    """The end of the error line: where the target raised, as a pattern."""
    return rf" \(\S*{re.escape(file)}, line {line}\)$"


LONG_NAME = "x" * 300 + ".py"

# target: a pattern for the error line, after "httpx-views: error: ".
FAILURES = {
    "str_fails.py": rf"importing 'str_fails\.py' failed: {UNPRINTABLE}"
    + where("str_fails.py", 4),
    "str_fails": rf"importing 'str_fails' failed: {UNPRINTABLE} \(",
    "lazy_import_error.py": r"getting 'app' from 'lazy_import_error\.py' failed: "
    r"ImportError: app needs the extra \[web\]" + where("lazy_import_error.py", 2),
    "lazy_import_error:web.app": r"getting 'web\.app' from 'lazy_import_error' "
    r"failed: ImportError: web needs",
    "lazy_other_error.py": r"getting 'app' from 'lazy_other_error\.py' failed: "
    r"RuntimeError: not configured" + where("lazy_other_error.py", 2),
    "lazy_str_fails.py": rf"failed: {UNPRINTABLE}" + where("lazy_str_fails.py", 3),
    "multi_line.py": r"failed: ValueError: first line second line"
    + where("multi_line.py", 1),
    "imports_bad_syntax.py": r"'imports_bad_syntax\.py' failed: SyntaxError: ",
    "imports_bad_syntax": r"'imports_bad_syntax' failed: SyntaxError: ",
    "exits.py": r"importing 'exits\.py' failed: SystemExit: 3" + where("exits.py", 2),
    "exits": r"importing 'exits' failed: SystemExit: 3" + where("exits.py", 2),
    "exits_bare.py": r"failed: SystemExit" + where("exits_bare.py", 1),
    "exits_with_message.py": r"failed: SystemExit: no config file \(",
    "proxy.py": r"checking 'proxy\.py' failed: RuntimeError: outside of a context"
    + where("proxy.py", 4),
    LONG_NAME: r"cannot read 'x{300}\.py': File name too long$",
}


@pytest.mark.parametrize("command", ["serve", "routes"])
@pytest.mark.parametrize(
    ("target", "pattern"),
    FAILURES.items(),
    ids=[target if target != LONG_NAME else "long-name" for target in FAILURES],
)
def test_cli_failing_target_is_one_line_and_status_2(
    failing_targets: Path, command: str, target: str, pattern: str
) -> None:
    port = ["--port", "0"] if command == "serve" else []
    result = run(command, target, *port, cwd=failing_targets)
    assert_one_line_error(result, "")
    assert "Traceback" not in result.stderr
    assert re.search(pattern, result.stderr), result.stderr


def test_cli_routes_target_without_signature_is_given_a_go(tmp_path: Path) -> None:
    # An object that cannot tell its signature may still be an application.
    (tmp_path / "opaque.py").write_text(
        "class Opaque:\n"
        "    @property\n"
        "    def __signature__(self):\n"
        "        raise RuntimeError('outside of a context')\n"
        "    def __call__(self, environ, start_response):\n"
        "        return []\n"
        "app = Opaque()\n"
    )
    result = run("routes", "opaque.py", cwd=tmp_path)
    assert_one_line_error(result, "a WSGI application but not an httpx_views App")


def test_cli_keyboard_interrupt_at_import_is_an_interruption(tmp_path: Path) -> None:
    # It is how Python reports Ctrl-C: exit status 130, as a shell reports
    # SIGINT, and no traceback.
    (tmp_path / "interrupted.py").write_text("raise KeyboardInterrupt\n")
    result = run("routes", "interrupted.py", cwd=tmp_path)
    assert result.returncode == 130, result
    assert (result.stdout, result.stderr) == ("", "")


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


def launch(
    started: list[subprocess.Popen[bytes]], *args: str
) -> subprocess.Popen[bytes]:
    """Start ``serve *args`` on a free port of 127.0.0.1, in *started*."""
    process = spawn(sys.executable, "-m", "httpx_views", "serve", *args, "--port", "0")
    started.append(process)
    return process


def start(
    started: list[subprocess.Popen[bytes]], *args: str
) -> tuple[subprocess.Popen[bytes], int]:
    """:func:`launch`, then read the "Serving" line: the process and port."""
    process = launch(started, *args)
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


@pytest.mark.parametrize("debug", [False, True], ids=["no-debug", "debug"])
def test_cli_serve_logs_app_errors_and_shows_them_only_with_debug(
    serve: list[subprocess.Popen[bytes]], tmp_path: Path, debug: bool
) -> None:
    web = tmp_path / "failing.py"
    web.write_text(
        "from httpx_views import App\napp = App()\n"
        "@app.route('/fail')\ndef fail(request):\n    raise RuntimeError('oops')\n"
    )
    process, port = start(serve, str(web), *(["--debug"] if debug else []))
    status, _, _, body = get(port, "/fail")
    assert status == 500
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0
    assert b'"GET /fail HTTP/1.1" 500' in out
    assert b"RuntimeError: oops" in err
    # The traceback, down to the view's line, goes to the client in debug
    # mode only; the mode is announced with a warning as the server starts.
    assert (b"RuntimeError: oops" in body) is debug, body
    assert (b"raise RuntimeError('oops')" in body) is debug, body
    assert err.startswith(DEBUG_WARNING.encode()) is debug, err


# A plain WSGI application whose bodies are not lists, and one that raises.
STREAMING = """\
class Closing:
    def __init__(self, name, chunks):
        self.name, self.chunks = name, chunks

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        print("closed " + self.name, flush=True)


def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/raise":
        raise RuntimeError("no response at all")
    start_response("200 OK", [("Content-Type", "text/plain")])
    if path == "/generator":
        return (chunk for chunk in [b"abcd", b"efg"])
    if path == "/iterator":  # an iterable without close()
        return iter([b"abc", b"de"])
    return Closing(path, [b"ab", b"c"] if path == "/closing" else [])
"""


def test_cli_serve_access_log_counts_streamed_bodies(
    serve: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    (tmp_path / "streaming.py").write_text(STREAMING)
    process, port = start(serve, str(tmp_path / "streaming.py"))
    assert get(port, "/generator")[::3] == (200, b"abcdefg")
    assert get(port, "/iterator")[::3] == (200, b"abcde")
    assert get(port, "/closing")[::3] == (200, b"abc")
    assert get(port, "/empty")[::3] == (200, b"")
    assert get(port, "/raise")[0] == 500
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, err
    lines = out.decode().splitlines()
    log = r'127\.0\.0\.1 - - \[[^]]+\] "GET %s HTTP/1\.1" %s'
    for path, status in [
        ("/generator", "200 7"),
        ("/iterator", "200 5"),
        ("/closing", "200 3"),
        ("/empty", "200 -"),
        ("/raise", "500 -"),
    ]:
        logged = [
            n
            for n, line in enumerate(lines)
            if re.fullmatch(log % (path, status), line)
        ]
        assert len(logged) == 1, (path, lines)
        if path in ("/closing", "/empty"):
            # The body's own close() is called, before the line is written.
            assert "closed " + path in lines, lines
            assert lines.index("closed " + path) < logged[0], lines
    assert lines[-1] == "Stopped."
    assert b"RuntimeError: no response at all" in err


def test_cli_serve_port_in_use_is_one_line_and_status_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "examples/payment_required.py", "--port", str(port))
    assert_one_line_error(result, f"cannot listen on 127.0.0.1:{port}")
    assert "in use" in result.stderr


# -- serve: a signal during start-up stops it as cleanly -------------------------

# A target that takes long to import, and says when it has begun.
SLOW_IMPORT = "import time\nprint('importing for 60 s', flush=True)\ntime.sleep(60)\n"

# A target that holds the server between its "Serving" line and its loop,
# as a slow machine may: the line is out, so a signal may come, while the
# loop is not running yet.
SLOW_LOOP_START = """\
import sys, time
from httpx_views import App

app = App()


class PauseAfterServingLine:
    def __init__(self, stream):
        self.stream = stream
        self.pause = False

    def write(self, text):
        # Only the flush right after the line pauses: a signal may stop the
        # server before that flush clears the flag, and "Stopped." must not.
        self.pause = text.startswith("Serving ") or (self.pause and text == "\\n")
        return self.stream.write(text)

    def flush(self):
        # Taken before flushing: a signal raised in there must not leave
        # "Stopped." to pause in turn.
        pause, self.pause = self.pause, False
        self.stream.flush()
        if pause:
            time.sleep(60)


sys.stdout = PauseAfterServingLine(sys.stdout)
"""


def stop_cleanly(process: subprocess.Popen[bytes], stop_signal: signal.Signals) -> str:
    """Send *stop_signal*; check that *process* stopped cleanly and in time.

    :returns: what it printed on stdout, after any line already read.
    """
    os.kill(process.pid, stop_signal)
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, (out, err)
    assert out.endswith(b"Stopped.\n"), out
    assert err == b"", err
    return out.decode()


def catches(pid: int, signum: int) -> bool:
    """Whether process *pid* has a handler for signal *signum* (Linux)."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = re.search(r"^SigCgt:\s*([0-9a-f]+)$", status, re.MULTILINE)
    assert caught is not None, status
    return bool(int(caught[1], 16) >> (signum - 1) & 1)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc")
@pytest.mark.parametrize("delay", [0, 0.005, 0.02, 0.05, 0.1])
def test_cli_serve_sigterm_soon_after_start_stops_cleanly(
    serve: list[subprocess.Popen[bytes]], delay: float
) -> None:
    # The earliest a signal can be caught: as soon as the handler is in,
    # which happens before Waitress and the target are imported. (Sooner,
    # as Python starts and imports httpx_views itself, nothing of the
    # command runs yet: SIGTERM kills the process as it kills any.)
    process = launch(serve, "examples/payment_required.py")
    deadline = time.monotonic() + TIMEOUT
    while not catches(process.pid, signal.SIGTERM):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no SIGTERM handler installed"
        time.sleep(0.001)
    time.sleep(delay)
    out = stop_cleanly(process, signal.SIGTERM)
    assert re.fullmatch(
        r"(Serving \S+ on http://127\.0\.0\.1:\d+ .*\n)?Stopped\.\n", out
    )


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_serve_signal_while_importing_target_stops_cleanly(
    serve: list[subprocess.Popen[bytes]], tmp_path: Path, stop_signal: signal.Signals
) -> None:
    (tmp_path / "slow.py").write_text(SLOW_IMPORT)
    process = launch(serve, str(tmp_path / "slow.py"))
    read_port(process, r"^importing for (\d+) s$")
    # At once, not after the 60 s the import would take.
    assert stop_cleanly(process, stop_signal) == "Stopped.\n"


@pytest.mark.parametrize("pause_before_loop", [False, True])
def test_cli_serve_sigterm_right_after_serving_line_stops_cleanly(
    serve: list[subprocess.Popen[bytes]], tmp_path: Path, pause_before_loop: bool
) -> None:
    target = "examples/payment_required.py"
    if pause_before_loop:
        target = str(tmp_path / "slow_loop_start.py")
        Path(target).write_text(SLOW_LOOP_START)
    process, _ = start(serve, target)
    assert stop_cleanly(process, signal.SIGTERM) == "Stopped.\n"


# A target whose import catches Ctrl-C (and so the _Stop a signal raises).
SWALLOWS_SIGNAL = """\
import os, signal, time
try:  # the line is printed in the try: the signal may come as it is printed
    print("importing for 60 s", flush=True)
    time.sleep(60)
except KeyboardInterrupt:
    print("swallowed", flush=True)
if SECOND_SIGNAL:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.2)  # the handler has run by now
    print("not interrupted", flush=True)
from httpx_views import App
app = App()
"""


@pytest.mark.parametrize(
    ("second_signal", "expected"),
    [
        (False, "swallowed\nStopped.\n"),
        # Once stopping, a signal is ignored: the import goes on.
        (True, "swallowed\nnot interrupted\nStopped.\n"),
    ],
)
def test_cli_serve_signal_swallowed_by_import_still_stops(
    serve: list[subprocess.Popen[bytes]],
    tmp_path: Path,
    second_signal: bool,
    expected: str,
) -> None:
    target = tmp_path / "swallows.py"
    target.write_text(f"SECOND_SIGNAL = {second_signal}\n" + SWALLOWS_SIGNAL)
    process = launch(serve, str(target))
    read_port(process, r"^importing for (\d+) s$")
    # It stops before serving: no "Serving" line.
    assert stop_cleanly(process, signal.SIGTERM) == expected


# -- serve --reload --------------------------------------------------------------

DEBUG_WARNING = (
    "httpx-views: warning: debug mode: tracebacks, routes and request headers "
    "are shown to every client; never use it in production\n"
)

SERVING = r"^Serving \S+ on http://127\.0\.0\.1:(\d+) "

# The application served with --reload: it answers with a word from the
# module it imports, its own version and the worker's process id, and says
# which process imports it.
RELOADED = """\
import os
import words
from httpx_views import App

print(f"imported by {{os.getpid()}}", flush=True)
app = App()


@app.route("/")
def version(request):
    return f"{{words.WORD}} {version} {{os.getpid()}}"
"""


class Reloading:
    """A ``serve --reload`` process, and the lines it printed on stdout."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.lines: list[str] = []

    def read_line(self, timeout: float) -> str | None:
        """The next line on stdout; ``None`` if none comes in *timeout* s."""
        stdout = self.process.stdout
        assert stdout is not None
        if not select.select([stdout], [], [], timeout)[0]:
            return None
        line = stdout.readline().decode()  # unbuffered: one line only
        if not line:
            self.fail("the monitor exited")
        self.lines.append(line)
        return line

    def fail(self, why: str) -> NoReturn:
        """Kill the process group; fail the test with all it printed."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        out, err = self.process.communicate(timeout=TIMEOUT)
        pytest.fail(f"{why}; stdout: {self.lines} {out!r}, stderr: {err!r}")

    def read_until(self, expected: str) -> None:
        """Read stdout up to the line *expected*, which must come in time."""
        deadline = time.monotonic() + TIMEOUT
        while self.read_line(timeout=1) != expected:
            if time.monotonic() > deadline:
                self.fail(f"no line {expected!r}")

    def edit(self, path: Path, source: str) -> None:
        """Write *source* to *path*, and wait until the worker stops for it.

        hupper compares a file's modification time with the first it saw,
        which it reads up to a second after the file is first imported:
        until the worker stops, the file is touched again every second, so
        that one of the times is a change.
        """
        path.write_text(source)
        deadline = time.monotonic() + TIMEOUT
        while self.read_line(timeout=1) != "Stopped.\n":
            if time.monotonic() > deadline:
                self.fail(f"no reload after {path.name} changed")
            os.utime(path)

    def answer(self, expected: str) -> int:
        """Wait for a worker to answer ``/`` with *expected* and a process id.

        A worker may be stopped as it starts (by a second change), and
        another started, on a port of its own: the last one is asked.

        :returns: the process id of the worker that answered.
        """
        deadline = time.monotonic() + TIMEOUT
        port = None
        while True:
            if time.monotonic() > deadline:
                self.fail(f"no answer {expected!r}")
            serving = re.match(SERVING, self.read_line(timeout=0.2) or "")
            port = int(serving[1]) if serving else port
            if port is None:
                continue
            try:
                text = get(port, "/")[3].decode()
            except OSError:  # stopped: a newer worker serves
                continue
            found = re.fullmatch(re.escape(expected) + r" (\d+)", text)
            if found:
                return int(found[1])
            time.sleep(0.2)  # an older worker, about to be replaced


@pytest.fixture
def reloading() -> Iterator[list[Reloading]]:
    """Start ``serve --reload``, each in a process group of its own, which
    hupper's workers join; at the end, kill whatever is left of the group."""
    started: list[Reloading] = []
    yield started
    for server in started:
        process = server.process
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=TIMEOUT)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def start_reloading(started: list[Reloading], app: Path, *args: str) -> Reloading:
    """Serve *app* with ``--reload --port 0`` from its folder, in *started*."""
    command = ["serve", "--reload", app.name, *args, "--port", "0"]
    process = subprocess.Popen(
        [sys.executable, "-m", "httpx_views", *command],
        cwd=app.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
        start_new_session=True,
    )
    started.append(Reloading(process))
    return started[-1]


def assert_all_gone(monitor: int, workers: list[int]) -> None:
    """No process of the monitor's group is left, nor any of its workers."""
    with pytest.raises(ProcessLookupError):
        os.killpg(monitor, 0)
    for pid in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_cli_serve_reload_serves_each_edit_and_stops_with_its_worker(
    reloading: list[Reloading], tmp_path: Path
) -> None:
    app = tmp_path / "web.py"
    app.write_text(RELOADED.format(version=1))
    (tmp_path / "words.py").write_text("WORD = 'hello'\n")
    server = start_reloading(reloading, app)
    monitor = server.process.pid
    workers = [server.answer("hello 1")]

    # The target, imported by its path, then a module it imports.
    server.edit(app, RELOADED.format(version=2))
    workers.append(server.answer("hello 2"))
    server.edit(tmp_path / "words.py", "WORD = 'bye'\n")
    workers.append(server.answer("bye 2"))
    assert len(set(workers)) == 3, workers
    assert monitor not in workers

    os.kill(monitor, signal.SIGTERM)
    out, err = server.process.communicate(timeout=TIMEOUT)
    assert server.process.returncode == 0, (server.lines, out, err)
    assert out.endswith(b"Stopped.\n"), out
    assert b"Traceback" not in err, err
    # The monitor never imported the application: its workers did.
    importers = [
        int(line.split()[-1])
        for line in [*server.lines, *out.decode().splitlines()]
        if line.startswith("imported by ")
    ]
    assert len(importers) >= 3, server.lines
    assert monitor not in importers
    assert_all_gone(monitor, workers)


def test_cli_serve_reload_waits_out_a_syntax_error(
    reloading: list[Reloading], tmp_path: Path
) -> None:
    app = tmp_path / "web.py"
    app.write_text(RELOADED.format(version=1))
    (tmp_path / "words.py").write_text("WORD = 'hello'\n")
    server = start_reloading(reloading, app, "--debug")
    first = server.answer("hello 1")

    server.edit(app, RELOADED.format(version=2) + "def broken(:\n")
    # The worker says what is wrong, as serve does, and exits; the monitor
    # waits for the next change.
    lineno = read_port(
        server.process,
        r"^httpx-views: error: importing 'web\.py' failed: SyntaxError: .*"
        r"\(web\.py, line (\d+)\)$",
        stream="stderr",
    )
    assert lineno == RELOADED.count("\n") + 1
    # hupper's line once it waits. A change it sees before, as the failed
    # worker exits, it loses: a user fixes the file later than a test does.
    server.read_until("Waiting for a file to change before reload.\n")
    # Watched since its first change: no need to touch it again.
    app.write_text(RELOADED.format(version=3))
    second = server.answer("hello 3")

    # Ctrl-C in a terminal: SIGINT to the whole process group.
    os.killpg(server.process.pid, signal.SIGINT)
    out, err = server.process.communicate(timeout=TIMEOUT)
    assert server.process.returncode == 0, (server.lines, out, err)
    assert out.endswith(b"Stopped.\n"), out
    assert b"Traceback" not in err, err
    # Each worker is in debug mode, and says so.
    assert DEBUG_WARNING.encode() in err, err
    assert_all_gone(server.process.pid, [first, second])


def test_cli_serve_reload_without_hupper_is_one_line_and_status_2(
    bad_files: Path, tmp_path: Path
) -> None:
    # A folder first on the path whose hupper cannot be imported, as when
    # the extra is not installed.
    (tmp_path / "no_hupper").mkdir()
    (tmp_path / "no_hupper" / "hupper.py").write_text(
        "raise ImportError('No module named hupper')\n"
    )
    (bad_files / "imported.py").write_text("print('imported')\n" + HELLO)
    result = subprocess.run(
        [sys.executable, "-m", "httpx_views", "serve", "imported.py", "--reload"],
        cwd=bad_files,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "no_hupper")},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert_one_line_error(
        result, "--reload needs hupper: pip install 'httpx_views[reload]'"
    )


# -- helpers called in-process -----------------------------------------------------


def test_cli_addresses_of_a_server_on_several_sockets() -> None:
    # A host name with several addresses gets a socket each (Waitress'
    # MultiSocketServer); every one is shown.
    from waitress.server import create_server

    server = create_server(
        lambda environ, start_response: [], listen="127.0.0.1:0 127.0.0.1:0"
    )
    try:
        addresses = cli._addresses(server)
    finally:
        server.close()
    assert [host for host, _ in addresses] == ["127.0.0.1", "127.0.0.1"]
    ports = [port for _, port in addresses]
    assert 0 not in ports
    assert len(set(ports)) == 2


def test_cli_describe_error_never_raised_has_no_location() -> None:
    assert cli._describe_error(ValueError("bad value")) == "ValueError: bad value"


def test_cli_main_module_runs_only_as_main() -> None:
    # Imported (by a tool, say) rather than run with -m: no command runs,
    # so no SystemExit.
    sys.modules.pop("httpx_views.__main__", None)
    module = importlib.import_module("httpx_views.__main__")
    assert module.main is cli.main


# -- in-process calls ------------------------------------------------------------
#
# The tests above run the command as users do, in a subprocess: they are the
# real path. The ones below call main() and the module's helpers in pytest's
# own process, so that mutation testing (tests/mutation/), which links a test
# to the functions it calls in that process only, knows which tests exercise
# each function of cli.py. They put back whatever they change: the current
# folder, sys.path and sys.modules (the sandbox fixture), the SIGTERM and
# SIGINT handlers serve installs (signals), and logging (bare_logging).


def call_main(*args: str) -> int:
    """``cli.main(args)``: the exit status, returned or raised by argparse."""
    try:
        return cli.main(list(args))
    except SystemExit as exc:
        assert isinstance(exc.code, int), exc.code
        return exc.code
    except KeyboardInterrupt as exc:  # it would end the whole test session
        pytest.fail(f"main() let {exc!r} out")


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line main() wrote on stderr, nothing on stdout."""
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("httpx-views: error: ")
    return lines[0]


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """*tmp_path* as the current folder, off sys.path; imports undone after."""
    monkeypatch.chdir(tmp_path)
    here = {"", str(tmp_path), os.getcwd()}
    monkeypatch.setattr(sys, "path", [entry for entry in sys.path if entry not in here])
    importlib.invalidate_caches()  # another test's folder may have had the name
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        module = sys.modules[name]
        origin = getattr(module, "__file__", None)
        if (
            module is None
            or name.startswith("_httpx_views_target")
            or (
                origin is not None
                and Path(origin).resolve().is_relative_to(tmp_path.resolve())
            )
        ):
            del sys.modules[name]


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@pytest.fixture
def signals() -> Iterator[None]:
    """Put back the SIGTERM and SIGINT handlers that serve replaces, and
    ``sys.unraisablehook``."""
    saved = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
    hook = sys.unraisablehook
    yield
    for signum, handler in saved.items():
        if handler is not None:
            signal.signal(signum, handler)
    sys.unraisablehook = hook


def normalized(text: str) -> str:
    return " ".join(text.split())


def says(text: str, sentence: str) -> bool:
    """Whether *text* holds *sentence*, whole, whitespace aside."""
    pattern = r"(?<!\S)" + re.escape(normalized(sentence)) + r"(?!\S)"
    return re.search(pattern, normalized(text)) is not None


# -- in-process: arguments -------------------------------------------------------

TARGET_HELP = (
    "TARGET package.module:attribute or path/to/file.py[:attribute]; "
    "the attribute defaults to 'app'"
)

# The command's help: its usage, then what it documents, sentence by sentence.
HELP = {
    "httpx-views": [
        "usage: httpx-views [-h] COMMAND ...",
        "Serve an httpx_views App or list its routes.",
        "commands: COMMAND serve serve a WSGI application with Waitress "
        "routes list an App's routes and exception views",
    ],
    "httpx-views serve": [
        "usage: httpx-views serve [-h] [--host HOST] [--port PORT] [--threads N] "
        "[--reload] [--debug] TARGET",
        "Serve a WSGI application (an App, usually) with Waitress, logging each "
        "request on stdout. Ctrl-C or SIGTERM stops it. For development: --reload "
        "restarts it when a Python file changes, --debug shows tracebacks in "
        "error pages.",
        TARGET_HELP,
        "--host HOST the address to listen on (default: 127.0.0.1, this machine "
        "only; 0.0.0.0 for every IPv4 interface)",
        "--port PORT the TCP port (default: 8880; 0 picks a free one)",
        "--threads N the worker threads serving requests (default: 4)",
        "--reload restart the server when a Python file of the application "
        "changes (needs hupper: pip install 'httpx_views[reload]'); with --port 0, "
        "each restart picks its own port",
        "--debug turn the App's debug mode on: tracebacks in 500 pages, routes in "
        "404 pages, for every client to see; never in production",
    ],
    "httpx-views routes": [
        "usage: httpx-views routes [-h] TARGET",
        "List an App's routes, then its Not Found, Forbidden and other exception "
        "views.",
        TARGET_HELP,
    ],
}


@pytest.mark.parametrize("command", HELP)
def test_cli_in_process_help_documents_commands_and_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # no wrapping: one sentence, one line
    assert call_main(*command.split()[1:], "--help") == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith(HELP[command][0] + "\n")
    for sentence in HELP[command]:
        assert says(out, sentence), (sentence, out)


@pytest.mark.parametrize(
    ("args", "fragment", "command"),
    [
        (["serve", "app.py", "--port", "70000"], "invalid port '70000'", "serve"),
        (["serve", "app.py", "--port", "http"], "invalid port 'http'", "serve"),
        (["serve", "app.py", "--threads", "0"], "invalid thread count '0'", "serve"),
        (["serve", "app.py", "--threads", "x"], "invalid thread count 'x'", "serve"),
        (["serve"], "required: TARGET", "serve"),
        (["routes", "app.py", "--bogus"], "unrecognized arguments: --bogus", ""),
        ([], "required: COMMAND", ""),
        (["start"], "invalid choice: 'start'", ""),
    ],
)
def test_cli_in_process_bad_arguments_are_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str], args: list[str], fragment: str, command: str
) -> None:
    assert call_main(*args) == 2
    line = error_line(capsys)
    assert fragment in line
    # Where to read more: the help of the command that was being parsed.
    prog = f"httpx-views {command}".strip()
    assert line.endswith(f"(see '{prog} --help')")


@pytest.mark.parametrize(
    ("text", "port"),
    [("0", 0), ("1", 1), ("8880", 8880), ("65535", 65535), ("00080", 80)],
)
def test_cli_port_accepts_0_to_65535(text: str, port: int) -> None:
    assert cli._port(text) == port


@pytest.mark.parametrize("text", ["-1", "-2", "65536", "70000", "http", "", "8.5"])
def test_cli_port_refuses_anything_else(text: str) -> None:
    with pytest.raises(
        argparse.ArgumentTypeError, match=re.escape(f"invalid port {text!r}: ")
    ):
        cli._port(text)


@pytest.mark.parametrize(
    ("text", "threads"), [("1", 1), ("4", 4), ("1024", 1024), ("08", 8)]
)
def test_cli_threads_accepts_1_to_1024(text: str, threads: int) -> None:
    assert cli._threads(text) == threads


@pytest.mark.parametrize("text", ["0", "-1", "1025", "many", "", "2.0"])
def test_cli_threads_refuses_anything_else(text: str) -> None:
    with pytest.raises(
        argparse.ArgumentTypeError, match=re.escape(f"invalid thread count {text!r}: ")
    ):
        cli._threads(text)


# -- in-process: routes ----------------------------------------------------------

# An App with every kind of row: a route with methods, a name and a
# permission, one with none of them; Not Found views with and without a
# prefix and append_slash, no Forbidden view, and a view for another
# exception registered first.
WEB = """\
from httpx_views import App


class Policy:
    def identity(self, request):
        return None

    def permits(self, request, permission):
        return True


app = App(security_policy=Policy())


@app.exception_view(KeyError, path_prefix="/api")
def missing(request):
    return "missing"


@app.route("/notes", methods=["POST", "GET"], name="notes", permission="read")
def notes(request):
    return "notes"


@app.route("/{rest:path}")
def anything(request):
    return "anything"


@app.notfound_view(append_slash=True)
def not_found(request):
    return "not found"


@app.notfound_view(path_prefix="/api")
def api_not_found(request):
    return "api not found"
"""

WEB_ROUTES = """\
Routes:
  METHODS        PATTERN       NAME   VIEW          PERMISSION
  GET,HEAD,POST  /notes        notes  web.notes     read
  ANY            /{rest:path}  -      web.anything  -

Exception views:
  EXCEPTION      PATH PREFIX  VIEW                OPTIONS
  HTTPNotFound   /api         web.api_not_found   -
  HTTPNotFound   /            web.not_found       append_slash
  HTTPForbidden  /            (default response)  -
  KeyError       /api         web.missing         -
"""


@pytest.mark.parametrize(
    "target", ["web.py", "web.py:app", "web", "web:app", "holder.py:site.app"]
)
def test_cli_in_process_routes_prints_the_tables(
    sandbox: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    (sandbox / "web.py").write_text(WEB)
    # A dotted attribute: an object in the module, holding the App.
    (sandbox / "holder.py").write_text(
        "from web import app as _app\n\n\nclass site:\n    app = _app\n"
    )
    assert call_main("routes", target) == 0
    assert capsys.readouterr() == (WEB_ROUTES, "")


def test_cli_format_routes_of_an_empty_app() -> None:
    assert cli._format_routes(App()) == (
        "Routes:\n"
        "  (none)\n"
        "\n"
        "Exception views:\n"
        "  EXCEPTION      PATH PREFIX  VIEW                OPTIONS\n"
        "  HTTPNotFound   /            (default response)  -\n"
        "  HTTPForbidden  /            (default response)  -\n"
    )


def test_cli_table_pads_columns_and_refuses_ragged_rows() -> None:
    header = ("A", "BB", "C")
    rows = [("ccc", "d", "e"), ("f", "", "ggg")]
    assert cli._table(header, rows) == [
        "  A    BB  C",
        "  ccc  d   e",
        "  f        ggg",
    ]
    # A row longer than the header: an error, not cells silently dropped.
    with pytest.raises(ValueError):
        cli._table(header, [("a", "b", "c", "d")])


class Handler:
    """A view that is an instance: no __qualname__ of its own."""

    def __call__(self, request: Any) -> str:
        return "handled"

    def __repr__(self) -> str:
        return "Handler()"


def plain_view(request: Any) -> str:
    return "plain"


@pytest.mark.parametrize(
    ("obj", "name"),
    [
        (plain_view, f"{__name__}.plain_view"),
        (Handler, f"{__name__}.Handler"),
        (Handler.__call__, f"{__name__}.Handler.__call__"),
        (Handler(), f"{__name__}.Handler()"),
        (KeyError, "KeyError"),
        (len, "len"),
        (HTTPNotFound, "HTTPNotFound"),
        (42, "42"),  # neither __qualname__ nor __module__
    ],
    ids=["function", "class", "method", "instance", "builtin", "len", "ours", "int"],
)
def test_cli_name_of(obj: object, name: str) -> None:
    assert cli._name_of(obj) == name


def test_cli_in_process_main_reads_the_command_line(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (sandbox / "web.py").write_text(WEB)
    monkeypatch.setattr(sys, "argv", ["httpx-views", "routes", "web.py"])
    assert cli.main() == 0
    assert capsys.readouterr() == (WEB_ROUTES, "")


def test_cli_in_process_routes_of_a_plain_wsgi_application(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (sandbox / "plain.py").write_text(BAD_FILES["plain_wsgi.py"])
    assert call_main("routes", "plain.py") == 2
    line = error_line(capsys)
    assert "'plain.py' is a WSGI application but not an httpx_views App" in line
    assert line.endswith("it has no routes to list")


def test_cli_in_process_keyboard_interrupt_at_import_is_status_130(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (sandbox / "interrupted.py").write_text("raise KeyboardInterrupt\n")
    assert call_main("routes", "interrupted.py") == 130
    assert capsys.readouterr() == ("", "")
    assert "interrupted" not in sys.modules


# -- in-process: bad input and failing targets ------------------------------------


@pytest.mark.parametrize(("args", "fragment"), BAD_INPUT)
def test_cli_in_process_bad_input_is_one_line_and_status_2(
    bad_files: Path,
    sandbox: Path,
    fake_waitress: FakeWaitress,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    fragment: str,
) -> None:
    assert call_main(*args) == 2
    assert fragment in error_line(capsys)
    assert fake_waitress.servers == []


@pytest.mark.parametrize("command", ["serve", "routes"])
@pytest.mark.parametrize(
    ("target", "pattern"),
    FAILURES.items(),
    ids=[target if target != LONG_NAME else "long-name" for target in FAILURES],
)
def test_cli_in_process_failing_target_is_one_line_and_status_2(
    failing_targets: Path,
    sandbox: Path,
    fake_waitress: FakeWaitress,
    capsys: pytest.CaptureFixture[str],
    command: str,
    target: str,
    pattern: str,
) -> None:
    assert call_main(command, target) == 2
    line = error_line(capsys)
    assert re.search(pattern, line), line
    assert fake_waitress.servers == []


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("app = 1 / 0\n", "ZeroDivisionError: division by zero"),
        # It took itself out of sys.modules already: still its own error.
        (
            "import sys\ndel sys.modules[__name__]\nraise ValueError('gone')\n",
            "ValueError: gone",
        ),
    ],
    ids=["raises", "unregisters-itself"],
)
def test_cli_failed_import_leaves_no_module_behind(
    sandbox: Path, capsys: pytest.CaptureFixture[str], source: str, fragment: str
) -> None:
    (sandbox / "failing_mod.py").write_text(source)
    assert call_main("routes", "failing_mod.py") == 2
    assert f"importing 'failing_mod.py' failed: {fragment} (" in error_line(capsys)
    assert "failing_mod" not in sys.modules


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("nope.py:app", "module 'nope.py' has no attribute 'app'"),
        ("two_apps.py:nope", "has no attribute 'nope' (its App: app, admin)"),
        ("two_apps.py:app.nope", "has no attribute 'app.nope' (its App: app, admin)"),
        (
            "two_apps:nope",
            "module 'two_apps' has no attribute 'nope' (its App: app, admin)",
        ),
    ],
)
def test_cli_missing_attribute_names_the_modules_apps(
    sandbox: Path, target: str, fragment: str
) -> None:
    (sandbox / "nope.py").write_text("value = 1\n")
    (sandbox / "two_apps.py").write_text(
        "from httpx_views import App\napp = App()\nother = 1\nadmin = App()\n"
    )
    with pytest.raises(cli._UsageError) as raised:
        cli._load_target(target)
    assert str(raised.value).endswith(fragment)


@pytest.mark.parametrize("target", ["bad target", "web.py.bak:", "a b:app"])
def test_cli_invalid_target_says_what_is_expected(
    sandbox: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    assert call_main("routes", target) == 2
    line = error_line(capsys)
    assert f"invalid target {target!r}: expected package.module:attribute" in line
    assert line.endswith(" or path/to/file.py:attribute")


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("web\\app", "no such file: 'web\\\\app'"),
        ("C:\\web\\app.py:app", "no such file: 'C:\\\\web\\\\app.py'"),
        ("sub/dir/web", "no such file: 'sub/dir/web'"),
        ("pkg_nowhere.web", "no module named 'pkg_nowhere'"),
    ],
    ids=["backslash", "drive", "slash", "module"],
)
def test_cli_target_on_windows_is_a_file_path_with_either_separator(
    sandbox: Path, monkeypatch: pytest.MonkeyPatch, target: str, fragment: str
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(os, "sep", "\\")
        with pytest.raises(cli._UsageError) as raised:
            cli._load_target(target)
    assert fragment in str(raised.value)


# -- in-process: loading a file --------------------------------------------------

# A module that tells its name, and that it is in sys.modules while it runs
# (as a dataclass, which looks its module up there, needs).
SELF_AWARE = """\
from __future__ import annotations

import dataclasses
import sys


@dataclasses.dataclass
class Item:
    name: str


item = Item(__name__)
registered = sys.modules[__name__]
"""


@pytest.mark.parametrize(
    ("filename", "name"),
    [
        ("web_site.py", "web_site"),
        # Not an identifier: a name that is one.
        ("my-site.py", "_httpx_views_target"),
        ("2024.py", "_httpx_views_target"),
        # Never in place of a module already imported.
        ("argparse.py", "_httpx_views_target_argparse"),
    ],
)
def test_cli_file_target_module_name(sandbox: Path, filename: str, name: str) -> None:
    (sandbox / filename).write_text(SELF_AWARE)
    module = cli._load_target(f"{filename}:registered")
    assert module.__name__ == name
    assert module.item.name == name
    assert sys.modules[name] is module
    assert sys.modules["argparse"] is argparse


def test_cli_file_target_imports_its_neighbours_first(sandbox: Path) -> None:
    # As `python site/web.py` would: the file's folder first on the path,
    # ahead of a module of the same name elsewhere on it.
    for folder, value in [("site", "neighbour"), ("elsewhere", "elsewhere")]:
        (sandbox / folder).mkdir()
        (sandbox / folder / "neighbour_mod.py").write_text(f"VALUE = {value!r}\n")
    (sandbox / "site" / "web.py").write_text("from neighbour_mod import VALUE\n")
    sys.path.insert(0, str(sandbox / "elsewhere"))
    assert cli._load_target("site/web.py:VALUE") == "neighbour"
    assert sys.path[0] == str((sandbox / "site").resolve())


def test_cli_file_target_in_another_folder(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (sandbox / "deep" / "er").mkdir(parents=True)
    (sandbox / "deep" / "er" / "web.py").write_text(WEB)
    assert call_main("routes", str(sandbox / "deep" / "er" / "web.py")) == 0
    assert capsys.readouterr() == (WEB_ROUTES, "")


# -- in-process: importing a module ----------------------------------------------


def test_cli_module_target_found_in_current_folder_first(sandbox: Path) -> None:
    # A console script does not have the current folder on its path: it is
    # put first, as `python -m` has it.
    (sandbox / "here_mod.py").write_text("VALUE = 'here'\n")
    (sandbox / "elsewhere").mkdir()
    (sandbox / "elsewhere" / "here_mod.py").write_text("VALUE = 'elsewhere'\n")
    sys.path.insert(0, str(sandbox / "elsewhere"))
    assert cli._load_target("here_mod:VALUE") == "here"
    assert sys.path[0] == os.getcwd()


@pytest.mark.parametrize("entry", ["", "cwd"])
def test_cli_module_target_path_left_alone_when_it_has_the_folder(
    sandbox: Path, entry: str
) -> None:
    (sandbox / "here_mod.py").write_text("VALUE = 'here'\n")
    sys.path.append(os.getcwd() if entry == "cwd" else entry)
    before = list(sys.path)
    assert cli._load_target("here_mod:VALUE") == "here"
    assert sys.path == before


@pytest.mark.parametrize(
    ("target", "missing"),
    [
        ("no_such_top_mod", "no_such_top_mod"),
        ("no_such_pkg_x.web:app", "no_such_pkg_x"),
        ("pkg_here.missing", "pkg_here.missing"),
    ],
)
def test_cli_module_target_missing_says_which(
    sandbox: Path, capsys: pytest.CaptureFixture[str], target: str, missing: str
) -> None:
    (sandbox / "pkg_here").mkdir()
    (sandbox / "pkg_here" / "__init__.py").write_text("")
    assert call_main("routes", target) == 2
    line = error_line(capsys)
    assert f"no module named {missing!r}" in line
    assert line.endswith("(is it installed, or in the current folder?)")


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        # A module the target imports is missing, not the target.
        (
            "import no_such_dependency_anywhere\n",
            "ModuleNotFoundError: No module named 'no_such_dependency_anywhere' (",
        ),
        # A ModuleNotFoundError that names no module.
        ("raise ModuleNotFoundError('plain')\n", "ModuleNotFoundError: plain ("),
    ],
    ids=["dependency", "nameless"],
)
def test_cli_module_target_failing_on_another_module(
    sandbox: Path, capsys: pytest.CaptureFixture[str], source: str, fragment: str
) -> None:
    (sandbox / "needs_more.py").write_text(source)
    assert call_main("routes", "needs_more") == 2
    assert f"importing 'needs_more' failed: {fragment}" in error_line(capsys)


# -- in-process: describing errors, checking the application -----------------------


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no text either")


@pytest.mark.parametrize(
    ("exc", "text"),
    [
        (ValueError("bad value"), "ValueError: bad value"),
        (SystemExit(), "SystemExit"),
        (ValueError(""), "ValueError"),
        (KeyError("k"), "KeyError: 'k'"),
        (Unprintable(), "Unprintable: <exception str() failed>"),
    ],
    ids=["message", "none", "empty", "key", "unprintable"],
)
def test_cli_describe_error_never_raised(exc: BaseException, text: str) -> None:
    assert cli._describe_error(exc) == text


def test_cli_describe_error_says_where_it_was_raised() -> None:
    # The innermost frame: where the target raised, not where it was called.
    code = "def outer():\n    inner()\n\n\ndef inner():\n    raise ValueError('deep')\n"
    namespace: dict[str, Any] = {}
    exec(compile(code, "deep.py", "exec"), namespace)
    with pytest.raises(ValueError) as raised:
        namespace["outer"]()
    assert cli._describe_error(raised.value) == "ValueError: deep (deep.py, line 6)"


def test_cli_describe_syntax_error_once_where() -> None:
    with pytest.raises(SyntaxError) as raised:
        compile("app = (\n", "bad.py", "exec")
    text = cli._describe_error(raised.value)
    assert text.startswith("SyntaxError: ")
    assert text.endswith("(bad.py, line 1)")
    assert text.count("line") == 1


class Opaque:
    """A callable that cannot tell its signature."""

    @property
    def __signature__(self) -> inspect.Signature:
        raise RuntimeError("outside of a context")

    def __call__(self, *args: Any) -> list[bytes]:
        return []


def wsgi_app(environ: Any, start_response: Any) -> list[bytes]:
    return []


def factory() -> App:
    return App()


def takes_one(environ: Any) -> list[bytes]:
    return []


def takes_any(*args: Any, **kwargs: Any) -> list[bytes]:
    return []


@pytest.mark.parametrize(
    ("obj", "why"),
    [
        (App, "it is the class App (an instance may be one)"),
        (os, "it is the module os"),
        ("app", "it is a str, which cannot be called"),
        (None, "it is a NoneType, which cannot be called"),
        (factory, "it takes (), not (environ, start_response)"),
        (takes_one, "it takes (environ: 'Any'), not (environ, start_response)"),
        (wsgi_app, None),
        (takes_any, None),
        (App(), None),
        (Handler(), "it takes (request: 'Any'), not (environ, start_response)"),
        (Opaque(), None),
    ],
    ids=[
        "class",
        "module",
        "str",
        "none",
        "factory",
        "one-argument",
        "wsgi",
        "any-arguments",
        "app",
        "instance",
        "no-signature",
    ],
)
def test_cli_not_wsgi(obj: object, why: str | None) -> None:
    assert cli._not_wsgi(obj) == why


# -- in-process: serve's pieces ----------------------------------------------------


@pytest.mark.parametrize(
    ("server", "addresses"),
    [
        (
            SimpleNamespace(effective_host="127.0.0.1", effective_port=8880),
            [("127.0.0.1", 8880)],
        ),
        (
            SimpleNamespace(effective_listen=[("::1", 8001), ("127.0.0.1", 8002)]),
            [("::1", 8001), ("127.0.0.1", 8002)],
        ),
    ],
    ids=["one-socket", "several-sockets"],
)
def test_cli_addresses(server: Any, addresses: list[tuple[str, int]]) -> None:
    assert cli._addresses(server) == addresses


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8880"),
        ("localhost", "http://localhost:8880"),
        ("::1", "http://[::1]:8880"),
        ("fe80::1%eth0", "http://[fe80::1%eth0]:8880"),
    ],
)
def test_cli_url(host: str, url: str) -> None:
    assert cli._url(host, 8880) == url


def test_cli_stop_on_signal_raises_once() -> None:
    handler = cli._StopOnSignal()
    with pytest.raises(cli._Stop):
        handler(signal.SIGTERM, None)
    # Later signals are ignored: they cannot break off the shutdown.
    try:
        handler(signal.SIGINT, None)
        handler(signal.SIGTERM, None)
    except KeyboardInterrupt:
        pytest.fail("a second signal raised again")
    # Waitress ends its loop on it as on Ctrl-C.
    assert issubclass(cli._Stop, KeyboardInterrupt)


class Console(io.StringIO):
    """``sys.stdout`` that remembers what was flushed: what a pipe has seen."""

    def __init__(self) -> None:
        super().__init__()
        self.flushed = ""

    def flush(self) -> None:
        super().flush()
        self.flushed = self.getvalue()


class FakeServer:
    """What serve uses of a Waitress server; run() and close() do as told."""

    def __init__(self, waitress: FakeWaitress, app: Any, options: dict[str, Any]):
        self.waitress = waitress
        self.app = app
        self.options = options
        if waitress.listen is None:
            self.effective_host = options["host"]
            self.effective_port = options["port"] or 50123  # as bound
        else:
            self.effective_listen = waitress.listen
        self.runs = self.closes = 0

    def run(self) -> None:
        self.runs += 1
        self.waitress.during_run(self)

    def close(self) -> None:
        self.closes += 1
        self.waitress.during_close(self)


class FakeWaitress:
    """Stands in for ``waitress.server.create_server``: no socket, no loop."""

    def __init__(self) -> None:
        self.servers: list[FakeServer] = []
        self.error: Exception | None = None
        self.listen: list[tuple[str, int]] | None = None
        self.during_run: Any = lambda server: stop_with(signal.SIGTERM)
        self.during_close: Any = lambda server: None

    def create_server(self, app: Any, **options: Any) -> FakeServer:
        if self.error is not None:
            raise self.error
        server = FakeServer(self, app, options)
        self.servers.append(server)
        return server


@pytest.fixture
def fake_waitress(monkeypatch: pytest.MonkeyPatch, signals: None) -> FakeWaitress:
    fake = FakeWaitress()
    monkeypatch.setattr(waitress.server, "create_server", fake.create_server)
    return fake


def stop_with(signum: int) -> None:
    """Call serve's handler for *signum*, as a signal would."""
    handler = signal.getsignal(signum)
    assert isinstance(handler, cli._StopOnSignal), handler
    handler(signum, None)


HELLO = BAD_FILES["plain_wsgi.py"]


@pytest.mark.parametrize("stop_signal", STOP_SIGNALS, ids=["SIGTERM", "SIGINT"])
def test_cli_in_process_serve_serves_logs_and_stops(
    sandbox: Path,
    fake_waitress: FakeWaitress,
    capsys: pytest.CaptureFixture[str],
    stop_signal: int,
) -> None:
    (sandbox / "hello.py").write_text(HELLO)
    console = Console()
    serving = "Serving hello.py on http://127.0.0.1:8880 (Ctrl-C to stop)\n"

    def during_run(server: FakeServer) -> None:
        # The line is out before the loop starts.
        assert console.flushed == serving
        environ = environ_for("/hello")
        environ["REMOTE_ADDR"] = "127.0.0.1"
        started = []
        body = server.app(environ, lambda *args: started.append(args[:2]))
        assert (b"".join(body), started) == (b"plain", [("200 OK", [TEXT])])
        stop_with(stop_signal)
        pytest.fail("the signal did not stop the server")

    def during_close(server: FakeServer) -> None:
        # Another signal while stopping changes nothing.
        for signum in STOP_SIGNALS:
            stop_with(signum)

    fake_waitress.during_run = during_run
    fake_waitress.during_close = during_close
    with redirect_stdout(console), bare_logging():
        assert call_main("serve", "hello.py") == 0
    [server] = fake_waitress.servers
    assert server.options == {"host": "127.0.0.1", "port": 8880, "threads": 4}
    assert (server.runs, server.closes) == (1, 1)
    lines = console.getvalue().splitlines(keepends=True)
    assert len(lines) == 3, lines
    assert lines[0] == serving
    access = LOG_LINE.fullmatch(lines[1].rstrip("\n"))
    assert access is not None, lines
    assert access.group("host", "request", "status", "size") == (
        "127.0.0.1",
        "GET /hello HTTP/1.0",
        "200",
        "5",
    )
    assert lines[2] == "Stopped.\n"
    assert console.flushed == console.getvalue()
    assert capsys.readouterr().err == ""


TEXT = ("Content-Type", "text/plain")


@pytest.mark.parametrize(
    ("args", "listen", "options", "urls"),
    [
        (
            ["--host", "::1", "--port", "0", "--threads", "2"],
            None,
            {"host": "::1", "port": 0, "threads": 2},
            "http://[::1]:50123",
        ),
        (
            ["--host", "localhost", "--port", "8001"],
            [("127.0.0.1", 8001), ("::1", 8001)],
            {"host": "localhost", "port": 8001, "threads": 4},
            "http://127.0.0.1:8001, http://[::1]:8001",
        ),
    ],
    ids=["options", "several-sockets"],
)
def test_cli_in_process_serve_options_and_addresses(
    sandbox: Path,
    fake_waitress: FakeWaitress,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    listen: list[tuple[str, int]] | None,
    options: dict[str, Any],
    urls: str,
) -> None:
    (sandbox / "hello.py").write_text(HELLO)
    fake_waitress.listen = listen
    with bare_logging():
        assert call_main("serve", "hello.py", *args) == 0
    [server] = fake_waitress.servers
    assert server.options == options
    assert capsys.readouterr() == (
        f"Serving hello.py on {urls} (Ctrl-C to stop)\nStopped.\n",
        "",
    )


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (OSError(errno.EADDRINUSE, "Address already in use"), "Address already in use"),
        (OSError("no such interface"), "no such interface"),
        (ValueError("Invalid host"), "Invalid host"),
    ],
    ids=["strerror", "no-strerror", "value-error"],
)
def test_cli_in_process_serve_cannot_listen(
    sandbox: Path,
    fake_waitress: FakeWaitress,
    capsys: pytest.CaptureFixture[str],
    error: Exception,
    reason: str,
) -> None:
    (sandbox / "hello.py").write_text(HELLO)
    fake_waitress.error = error
    with bare_logging():
        assert call_main("serve", "hello.py", "--port", "8001") == 2
    line = error_line(capsys)
    assert line.endswith(f"cannot listen on 127.0.0.1:8001: {reason}")


def test_cli_in_process_serve_stop_swallowed_by_import(
    sandbox: Path, fake_waitress: FakeWaitress, capsys: pytest.CaptureFixture[str]
) -> None:
    # The target's import catches the _Stop of a signal: serve stops anyway,
    # before serving.
    (sandbox / "swallows.py").write_text(
        "import signal\n"
        "try:\n"
        "    signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None)\n"
        "except KeyboardInterrupt:\n"
        "    pass\n" + HELLO
    )
    with bare_logging():
        assert call_main("serve", "swallows.py") == 0
    [server] = fake_waitress.servers
    assert (server.runs, server.closes) == (0, 1)
    assert capsys.readouterr() == ("Stopped.\n", "")


def test_cli_in_process_serve_stop_raised_in_a_callback_stops_quietly(
    sandbox: Path,
    fake_waitress: FakeWaitress,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A signal that comes while Python runs a weak reference's callback (as
    # importlib's do): Python cannot raise the _Stop out of it and would print
    # "Exception ignored". It is dropped quietly, and the server stops anyway.
    (sandbox / "callback.py").write_text(
        "import signal, weakref\n"
        "class Thing: pass\n"
        "thing = Thing()\n"
        "stop = signal.getsignal(signal.SIGTERM)\n"
        "ref = weakref.ref(thing, lambda _: stop(signal.SIGTERM, None))\n"
        "del thing\n" + HELLO
    )
    reported: list[Any] = []
    hook = reported.append  # one bound method, to compare by identity
    monkeypatch.setattr(sys, "unraisablehook", hook)
    with bare_logging():
        assert call_main("serve", "callback.py") == 0
    assert fake_waitress.servers == [] or fake_waitress.servers[0].runs == 0
    assert capsys.readouterr() == ("Stopped.\n", "")
    assert reported == []
    assert sys.unraisablehook is hook  # serve put it back


def test_cli_stop_on_signal_reports_other_unraisable_exceptions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reported: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)
    handler = cli._StopOnSignal()
    other = types.SimpleNamespace(exc_value=ValueError("in a __del__"))
    handler.unraisable(other)
    assert reported == [other]


def test_cli_in_process_serve_target_that_fails_to_load(
    sandbox: Path, fake_waitress: FakeWaitress, capsys: pytest.CaptureFixture[str]
) -> None:
    (sandbox / "broken.py").write_text("app = 1 / 0\n")
    assert call_main("serve", "broken.py") == 2
    assert "importing 'broken.py' failed: ZeroDivisionError" in error_line(capsys)
    assert fake_waitress.servers == []


# -- in-process: serve --reload and --debug -------------------------------------


class FakeHupper:
    """Stands in for the hupper module: the monitor, or the proxy to it."""

    def __init__(self, in_worker: bool) -> None:
        self.in_worker = in_worker
        self.started: list[tuple[str, dict[str, Any]]] = []
        self.watched: list[str] = []

    def start_reloader(self, worker_path: str, **options: Any) -> FakeHupper:
        self.started.append((worker_path, options))
        if not self.in_worker:
            raise SystemExit(0)  # the monitor stopped, and its last worker
        return self  # the proxy to the monitor

    def watch_files(self, files: list[str]) -> None:
        self.watched += files


@pytest.fixture
def fake_hupper(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHupper]:
    """hupper, as in a worker process; set ``in_worker`` False for the monitor."""
    fake = FakeHupper(in_worker=True)
    monkeypatch.setitem(sys.modules, "hupper", fake)
    yield fake


def test_cli_in_process_serve_reload_monitor_never_imports_the_target(
    sandbox: Path,
    fake_waitress: FakeWaitress,
    fake_hupper: FakeHupper,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (sandbox / "hello.py").write_text("raise AssertionError('imported')\n")
    fake_hupper.in_worker = False
    args = ["serve", "hello.py", "--reload", "--port", "0"]
    assert call_main(*args) == 0
    [(worker_path, options)] = fake_hupper.started
    # The worker runs the same command line, and exits with its status.
    assert options == {"worker_kwargs": {"argv": args}, "shutdown_interval": 5}
    module, name = worker_path.rsplit(".", 1)
    assert getattr(importlib.import_module(module), name) is cli._reload_worker
    assert "hello" not in sys.modules
    assert fake_waitress.servers == []
    assert capsys.readouterr() == ("", "")


def test_cli_in_process_serve_reload_worker_serves(
    sandbox: Path,
    fake_waitress: FakeWaitress,
    fake_hupper: FakeHupper,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (sandbox / "hello.py").write_text(HELLO)
    with bare_logging():
        assert call_main("serve", "hello.py", "--reload") == 0
    [server] = fake_waitress.servers
    assert server.runs == 1
    # hupper finds the modules imported by itself.
    assert fake_hupper.watched == []
    out = capsys.readouterr().out
    assert out.startswith("Serving hello.py on ")


@pytest.mark.parametrize(
    ("files", "target", "watched"),
    [
        # The target: a syntax error, or an error as it runs.
        ({"web.py": "app = (\n"}, "web.py", ["web.py"]),
        ({"web.py": "app = 1 / 0\n"}, "web.py", ["web.py"]),
        # A module it imports, which is not in sys.modules either.
        ({"web.py": "import part\n", "part.py": "def (\n"}, "web", ["part.py"]),
    ],
    ids=["syntax-error", "error", "imported-module"],
)
def test_cli_in_process_serve_reload_worker_watches_what_failed(
    sandbox: Path,
    fake_waitress: FakeWaitress,
    fake_hupper: FakeHupper,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    target: str,
    watched: list[str],
) -> None:
    for name, source in files.items():
        (sandbox / name).write_text(source)
    assert call_main("serve", target, "--reload") == 2
    assert "failed" in error_line(capsys)
    assert fake_waitress.servers == []
    for name in watched:
        assert str(sandbox / name) in map(os.path.abspath, fake_hupper.watched)
    assert all(os.path.isfile(file) for file in fake_hupper.watched)


def test_cli_in_process_serve_reload_worker_missing_target_watches_nothing(
    sandbox: Path,
    fake_waitress: FakeWaitress,
    fake_hupper: FakeHupper,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Refused before any import: no error to take files from.
    assert call_main("serve", "nowhere.py", "--reload") == 2
    assert "no such file: 'nowhere.py'" in error_line(capsys)
    assert fake_hupper.watched == []


def test_cli_in_process_serve_reload_without_hupper(
    sandbox: Path,
    fake_waitress: FakeWaitress,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (sandbox / "hello.py").write_text("raise AssertionError('imported')\n")
    monkeypatch.setitem(sys.modules, "hupper", None)  # import hupper fails
    assert call_main("serve", "hello.py", "--reload") == 2
    assert error_line(capsys) == (
        "httpx-views: error: --reload needs hupper: pip install 'httpx_views[reload]'"
    )
    assert fake_waitress.servers == []


def test_cli_reload_worker_exits_with_the_status_of_the_command(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # hupper's worker would exit with 0 whatever the function returns.
    (sandbox / "web.py").write_text(WEB)
    with pytest.raises(SystemExit) as exited:
        cli._reload_worker(["routes", "web.py"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == WEB_ROUTES
    with pytest.raises(SystemExit) as exited:
        cli._reload_worker(["routes", "nowhere.py"])
    assert exited.value.code == 2


@pytest.mark.parametrize("debug", [False, True], ids=["no-debug", "debug"])
def test_cli_in_process_serve_debug_turns_the_apps_debug_mode_on(
    sandbox: Path,
    fake_waitress: FakeWaitress,
    capsys: pytest.CaptureFixture[str],
    debug: bool,
) -> None:
    (sandbox / "web.py").write_text(WEB)
    with bare_logging():
        assert call_main("serve", "web.py", *(["--debug"] if debug else [])) == 0
    [server] = fake_waitress.servers
    app = server.app.app  # inside the access log
    assert isinstance(app, App)
    assert app.debug is debug
    out, err = capsys.readouterr()
    assert err == (DEBUG_WARNING if debug else "")
    assert out.startswith("Serving web.py on ")


def test_cli_in_process_serve_debug_needs_an_app(
    sandbox: Path, fake_waitress: FakeWaitress, capsys: pytest.CaptureFixture[str]
) -> None:
    (sandbox / "plain.py").write_text(HELLO)
    assert call_main("serve", "plain.py", "--debug") == 2
    assert error_line(capsys).endswith(
        "'plain.py' is a WSGI application but not an httpx_views App: "
        "--debug needs an App"
    )
    assert fake_waitress.servers == []


def test_cli_source_files_of_an_error(tmp_path: Path) -> None:
    # The files of its frames, once each, and not those that are no file.
    web = tmp_path / "web.py"
    web.write_text("def fail():\n    raise ValueError('x')\n\n\nfail()\n")
    with pytest.raises(ValueError) as raised:
        exec(compile(web.read_text(), str(web), "exec"), {})
    assert cli._source_files(raised.value) == [__file__, str(web)]
    with pytest.raises(ValueError) as raised:
        exec(compile(web.read_text(), "<string>", "exec"), {})
    assert cli._source_files(raised.value) == [__file__]


@pytest.mark.parametrize(
    ("filename", "in_files"), [("web.py", True), ("<unknown>", False)]
)
def test_cli_source_files_of_a_syntax_error(
    sandbox: Path, filename: str, in_files: bool
) -> None:
    (sandbox / "web.py").write_text("app = (\n")
    with pytest.raises(SyntaxError) as raised:
        compile("app = (\n", filename, "exec")
    assert (filename in cli._source_files(raised.value)) is in_files
    # Where it was raised: a never-raised one has none.
    assert cli._source_files(SyntaxError("no file")) == []
