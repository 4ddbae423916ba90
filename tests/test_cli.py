"""The httpx-views command, run as a subprocess on good and bad targets."""

from __future__ import annotations

import http.client
import importlib
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import ROOT, TIMEOUT, environ_for, read_port, spawn

from httpx_views import cli

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
    "notes.txt": "app = None\n",
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


# -- helpers called in-process -----------------------------------------------------


@pytest.mark.parametrize(
    ("script_name", "path", "query", "request_line"),
    [
        ("", "/notes", "", "GET /notes HTTP/1.0"),
        ("/mount", "/a b", "x=1&y", "GET /mount/a%20b?x=1&y HTTP/1.0"),
    ],
)
def test_cli_access_log_rebuilds_request_uri_for_other_servers(
    caplog: pytest.LogCaptureFixture,
    script_name: str,
    path: str,
    query: str,
    request_line: str,
) -> None:
    # Waitress gives REQUEST_URI; without it, the line is rebuilt.
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("201 Created", [])
        return [b"ok"]

    def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
        return None

    environ = environ_for(path, query=query)
    environ["SCRIPT_NAME"] = script_name
    assert "REQUEST_URI" not in environ
    logger = logging.getLogger("test_cli.access")
    with caplog.at_level(logging.INFO, logger=logger.name):
        assert cli._AccessLog(app, logger)(environ, start_response) == [b"ok"]
    [record] = caplog.records
    assert record.getMessage().endswith(f'"{request_line}" 201 2')


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
