"""The benchmark apps answer correctly, and the runner works end to end.

Nothing here is timed: these tests make sure ``benchmarks/run.py`` cannot
silently measure a broken app, using the runner's own checks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import run
from benchmarks import scenarios as sc

ROOT = Path(__file__).resolve().parent.parent

SCALING = [s for s in sc.SCENARIOS.values() if s.scales]


@pytest.mark.parametrize("contestant", list(sc.CONTESTANTS))
@pytest.mark.parametrize("name", list(sc.SCENARIOS))
def test_benchmark_app_answers_scenario(contestant: str, name: str) -> None:
    app = sc.load(contestant).app
    scenario = sc.SCENARIOS[name]
    sc.check(app, scenario)
    # Timed answers are compared with the first: it must be repeatable.
    expected = sc.call(app, sc.environ(scenario.path))
    _, wrong = run.time_batch(app, sc.environ(scenario.path), 3, expected)
    assert wrong == 0


@pytest.mark.parametrize("contestant", list(sc.CONTESTANTS))
@pytest.mark.parametrize("routes", [100, 1000])
def test_benchmark_app_answers_with_many_routes(contestant: str, routes: int) -> None:
    app = sc.load(contestant).make_app(routes)
    for scenario in SCALING:
        sc.check(app, scenario)
    # The filler routes are real routes, served by the users view.
    answer = sc.call(app, sc.environ(f"/r{routes - 1}/{sc.USER_ID}"))
    sc.SCENARIOS["users"].verify(answer)


def _app(status: str, headers: list[tuple[str, str]], body: bytes) -> sc.WSGIApp:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response(status, headers)
        return [body]

    return app


_TEXT = ("Content-Type", "text/plain")
_CHALLENGE = ("WWW-Authenticate", 'Basic realm="bench"')


@pytest.mark.parametrize(
    ("scenario", "app"),
    [
        ("hello", _app("200 OK", [_TEXT], b"Hello, World")),
        ("hello", _app("201 Created", [_TEXT], b"Hello, World!")),
        ("hello", _app("200 OK", [("Content-Type", "text/html")], b"Hello, World!")),
        ("hello", _app("200 OK", [_TEXT, ("Content-Length", "3")], b"Hello, World!")),
        ("users", _app("200 OK", [("Content-Type", "application/json")], b'{"id":42}')),
        ("users", _app("200 OK", [_TEXT], b'{"id": "42"}')),
        ("buy", _app("402 Payment Required", [_TEXT], b"")),
        ("buy", _app("402 Payment Required", [], b"Payment Required")),
        ("secret", _app("401 Unauthorized", [_TEXT], b"Unauthorized")),
        ("secret", _app("401 Unauthorized", [_TEXT, _CHALLENGE], b"")),
        ("secret", _app("403 Forbidden", [_TEXT, _CHALLENGE], b"Unauthorized")),
        ("nope", _app("200 OK", [_TEXT], b"Not Found")),
        ("nope", _app("404", [_TEXT], b"Not Found")),
    ],
)
def test_benchmark_check_refuses_wrong_answer(scenario: str, app: sc.WSGIApp) -> None:
    with pytest.raises(sc.WrongAnswer):
        sc.check(app, sc.SCENARIOS[scenario])


def test_benchmark_check_accepts_unquoted_realm() -> None:
    challenge = ("WWW-Authenticate", "basic realm=bench")
    app = _app("401 Unauthorized", [_TEXT, challenge], b"Unauthorized")
    sc.check(app, sc.SCENARIOS["secret"])


def test_benchmark_time_batch_counts_changed_answers() -> None:
    bodies = iter([b"Hello, World!", b"Hello, World!", b"Hello, Moon!"])

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [_TEXT])
        return [next(bodies)]

    base = sc.environ("/hello")
    expected = sc.check(app, sc.SCENARIOS["hello"])
    _, wrong = run.time_batch(app, base, 2, expected)
    assert wrong == 1


def test_benchmark_environ_is_fresh_per_request() -> None:
    seen = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append((environ, environ["wsgi.input"]))
        environ["PATH_INFO"] = "/changed"
        start_response("200 OK", [_TEXT])
        return [b"Hello, World!"]

    base = sc.environ("/hello")
    expected = sc.call(app, base)
    run.time_batch(app, base, 2, expected)
    assert base["PATH_INFO"] == "/hello"
    assert len({id(env) for env, _ in seen}) == len({id(i) for _, i in seen}) == 3


def test_benchmark_cyclic_garbage_counts_cycles() -> None:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        cycle: list[Any] = []
        cycle.append(cycle)
        start_response("200 OK", [_TEXT])
        return [b"Hello, World!"]

    assert run.cyclic_garbage(app, sc.environ("/hello")) == 1
    assert run.cyclic_garbage(sc.load("bare").app, sc.environ("/hello")) == 0


def test_benchmark_runner_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    command = [
        sys.executable,
        str(ROOT / "benchmarks" / "run.py"),
        "--quick",
        "--rounds=1",
        "--batch-ms=2",
        "--warmup-ms=2",
        "--startup-runs=1",
        "--contestants=httpx_views,pyramid",
        "--routes=0,100",
        f"--json={out}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| last@100 " in done.stdout
    assert "x own hello" in done.stdout
    assert "Ratio to webob" not in done.stdout  # not a contestant here
    assert "import + build 100 routes" in done.stdout
    data = json.loads(out.read_text())
    cells = data["cells"]
    assert len(cells) == 2 * (len(sc.SCENARIOS) + len(SCALING))
    assert all(c["error"] is None and len(c["samples_us"]) == 1 for c in cells)
    assert set(data["startup_ms"]) == {"httpx_views", "pyramid"}
    assert all(len(s["import"]) == 1 for s in data["startup_ms"].values())
