"""The benchmark apps answer correctly, and the runner works end to end.

Nothing here is timed: these tests make sure ``benchmarks/run.py`` cannot
silently measure a broken app, using the runner's own checks.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest

from benchmarks import run
from benchmarks import scenarios as sc
from benchmarks.apps import common

ROOT = Path(__file__).resolve().parent.parent

SCALING = [s for s in sc.SCENARIOS.values() if s.scales]


@pytest.mark.parametrize("contestant", list(sc.CONTESTANTS))
@pytest.mark.parametrize("name", list(sc.SCENARIOS))
def test_benchmark_app_answers_scenario(contestant: str, name: str) -> None:
    app = sc.load(contestant).app
    scenario = sc.SCENARIOS[name]
    sc.check(app, scenario)
    # Timed answers are compared with the first: it must be repeatable.
    expected = sc.call(app, scenario.environ())
    _, wrong = run.time_batch(app, scenario.environ(), 3, expected)
    assert wrong == 0


@pytest.mark.parametrize("contestant", list(sc.CONTESTANTS))
@pytest.mark.parametrize("routes", [100, 1000])
def test_benchmark_app_answers_with_many_routes(contestant: str, routes: int) -> None:
    app = sc.load(contestant).make_app(routes)
    for scenario in SCALING:
        sc.check(app, scenario)
    # The filler routes are real routes, served by the users view.
    answer = sc.call(app, sc.environ(f"/r{routes - 1}/{common.USER_ID}"))
    sc.SCENARIOS["users"].verify(answer)


def _app(status: str, headers: list[tuple[str, str]], body: bytes) -> sc.WSGIApp:
    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response(status, headers)
        return [body]

    return app


_TEXT = ("Content-Type", "text/plain")
_CHALLENGE = ("WWW-Authenticate", 'Basic realm="bench"')
_JSON = ("Content-Type", "application/json")
_CSV = ("Content-Type", "text/csv; charset=utf-8")
_DENY = ("X-Frame-Options", "DENY")
_UTF8 = ("Content-Type", "text/plain; charset=utf-8")
_PUBLIC = ("Cache-Control", "public, max-age=3600")
_ETAG = ("ETag", '"kb2041-v7"')
_PNG = ("Content-Type", "image/png")
_CSV_BODY = common.CSV.encode()
_WELCOME = common.WELCOME.encode()
_CACHED = common.CACHED.encode()
_GONE = common.GONE.encode()
_SESSION = f"session={common.SESSION}"


def _cookie(*attributes: str) -> tuple[str, str]:
    return ("Set-Cookie", "; ".join([_SESSION, *attributes]))


def _expires(seconds_from_now: float) -> str:
    return "Expires=" + formatdate(time.time() + seconds_from_now, usegmt=True)


_LAX = ("Max-Age=3600", "Secure", "HttpOnly", "SameSite=Lax")


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
        ("headers", _app("200 OK", [_CSV], _CSV_BODY)),
        (
            "headers",
            _app("200 OK", [_CSV, ("X-Frame-Options", "SAMEORIGIN")], _CSV_BODY),
        ),
        ("headers", _app("200 OK", [("Content-Type", "text/csv"), _DENY], _CSV_BODY)),
        ("headers", _app("200 OK", [_UTF8, _DENY], _CSV_BODY)),
        ("headers", _app("200 OK", [_CSV, _DENY], b"sku,name\n")),
        ("cookie", _app("200 OK", [_TEXT], _WELCOME)),
        ("cookie", _app("200 OK", [_TEXT, _cookie(*_LAX)], b"Welcome!")),
        ("cookie", _app("200 OK", [_TEXT, _cookie(*_LAX[:3])], _WELCOME)),
        ("cookie", _app("200 OK", [_TEXT, _cookie(*_LAX[1:])], _WELCOME)),
        ("cookie", _app("200 OK", [_TEXT, _cookie("Max-Age=60", *_LAX[1:])], _WELCOME)),
        (
            "cookie",
            _app("200 OK", [_TEXT, _cookie(*_LAX[:-1], "SameSite=Strict")], _WELCOME),
        ),
        ("cookie", _app("200 OK", [_TEXT, _cookie("Secure", "HttpOnly")], _WELCOME)),
        ("cookie", _app("200 OK", [_TEXT, _cookie(*_LAX, "Path=/admin")], _WELCOME)),
        ("cookie", _app("200 OK", [_TEXT, _cookie(*_LAX, _expires(60))], _WELCOME)),
        ("cookie", _app("200 OK", [_TEXT, _cookie(*_LAX, "Expires=soon")], _WELCOME)),
        ("cookie", _app("200 OK", [_TEXT, _cookie(*_LAX), _cookie(*_LAX)], _WELCOME)),
        (
            "cookie",
            _app(
                "200 OK",
                [_TEXT, ("Set-Cookie", "session=other; " + "; ".join(_LAX))],
                _WELCOME,
            ),
        ),
        ("json_in", _app("200 OK", [_JSON], json.dumps(common.CREATED).encode())),
        ("json_in", _app("201 Created", [_JSON], b'{"sku": "KB-2041"}')),
        ("json_in", _app("201 Created", [_TEXT], json.dumps(common.CREATED).encode())),
        ("query", _app("200 OK", [_JSON], b'{"q": "python web", "page": "2"}')),
        (
            "query",
            _app("200 OK", [_JSON], json.dumps({**common.SEARCH, "page": 2}).encode()),
        ),
        ("response", _app("200 OK", [_UTF8], _GONE)),
        (
            "response",
            _app(
                "404 Not Found",
                [("Content-Type", "text/plain; charset=latin-1")],
                _GONE,
            ),
        ),
        (
            "response",
            _app(
                "404 Not Found", [("Content-Type", "text/html; charset=utf-8")], _GONE
            ),
        ),
        ("cache", _app("200 OK", [_TEXT, _ETAG], _CACHED)),
        ("cache", _app("200 OK", [_TEXT, _PUBLIC], _CACHED)),
        (
            "cache",
            _app(
                "200 OK",
                [_TEXT, ("Cache-Control", "private, max-age=3600"), _ETAG],
                _CACHED,
            ),
        ),
        ("cache", _app("200 OK", [_TEXT, ("Cache-Control", "public"), _ETAG], _CACHED)),
        ("cache", _app("200 OK", [_TEXT, _PUBLIC, ("ETag", 'W/"kb2041-v7"')], _CACHED)),
        ("cache", _app("200 OK", [_TEXT, _PUBLIC, ("ETag", "kb2041-v7")], _CACHED)),
        ("big", _app("200 OK", [_PNG], common.BIG[:-1])),
        (
            "big",
            _app("200 OK", [("Content-Type", "application/octet-stream")], common.BIG),
        ),
        ("big", _app("200 OK", [_PNG, ("Content-Length", "1024")], common.BIG)),
    ],
)
def test_benchmark_check_refuses_wrong_answer(scenario: str, app: sc.WSGIApp) -> None:
    with pytest.raises(sc.WrongAnswer):
        sc.check(app, sc.SCENARIOS[scenario])


def test_benchmark_check_accepts_unquoted_realm() -> None:
    challenge = ("WWW-Authenticate", "basic realm=bench")
    app = _app("401 Unauthorized", [_TEXT, challenge], b"Unauthorized")
    sc.check(app, sc.SCENARIOS["secret"])


# What frameworks legitimately differ in: header-name case, attribute
# spelling and order, directive order, JSON spacing, an Expires that says
# what Max-Age says.
@pytest.mark.parametrize(
    ("scenario", "app"),
    [
        (
            "headers",
            _app(
                "200 OK",
                [
                    ("content-type", "TEXT/CSV; Charset=UTF-8"),
                    ("x-frame-options", "DENY"),
                ],
                _CSV_BODY,
            ),
        ),
        (
            "cookie",
            _app(
                "200 OK",
                [_TEXT, _cookie("httponly", "max-age=3600", "secure", "samesite=lax")],
                _WELCOME,
            ),
        ),
        (
            "cookie",
            _app("200 OK", [_TEXT, _cookie(*_LAX, "Path=/", _expires(3600))], _WELCOME),
        ),
        (
            "json_in",
            _app("201 Created", [_JSON], b'{"total_cents":17998,"sku":"KB-2041"}'),
        ),
        (
            "cache",
            _app(
                "200 OK",
                [_TEXT, ("cache-control", "max-age=3600, public"), _ETAG],
                _CACHED,
            ),
        ),
    ],
)
def test_benchmark_check_accepts_equivalent_answer(
    scenario: str, app: sc.WSGIApp
) -> None:
    sc.check(app, sc.SCENARIOS[scenario])


def test_benchmark_time_batch_counts_changed_answers() -> None:
    bodies = iter([b"Hello, World!", b"Hello, World!", b"Hello, Moon!"])

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [_TEXT])
        return [next(bodies)]

    base = sc.environ("/hello")
    expected = sc.check(app, sc.SCENARIOS["hello"])
    _, wrong = run.time_batch(app, base, 2, expected)
    assert wrong == 1


@pytest.mark.parametrize(
    ("first", "later", "same"),
    [
        (_cookie(*_LAX, _expires(3600)), _cookie(*_LAX, _expires(3601)), True),
        (
            _cookie(*_LAX, "expires=Fri, 27-Nov-2026 11:59:12 GMT"),
            _cookie(*_LAX, "expires=Fri, 27-Nov-2026 11:59:13 GMT"),
            True,
        ),
        (_cookie(*_LAX), _cookie("Max-Age=3599", *_LAX[1:]), False),
        (_cookie(*_LAX, _expires(3600)), _cookie(*_LAX), False),
        (("X-Expires", "; expires=1"), ("X-Expires", "; expires=2"), False),
    ],
)
def test_benchmark_time_batch_forgives_only_expires(
    first: tuple[str, str], later: tuple[str, str], same: bool
) -> None:
    headers = iter([[_TEXT, first], [_TEXT, later]])

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", next(headers))
        return [_WELCOME]

    base = sc.environ("/cookie")
    expected = sc.call(app, base)
    _, wrong = run.time_batch(app, base, 1, expected)
    assert wrong == (0 if same else 1)


def test_benchmark_environ_splits_query_and_carries_body() -> None:
    scenario = sc.SCENARIOS["json_in"]
    env = scenario.environ()
    assert (env["REQUEST_METHOD"], env["PATH_INFO"]) == ("POST", "/items")
    assert env["CONTENT_TYPE"] == "application/json"
    assert env["CONTENT_LENGTH"] == str(len(common.ITEM_JSON)) == "213"
    query = sc.SCENARIOS["query"].environ()
    assert (query["PATH_INFO"], query["QUERY_STRING"]) == (
        "/search",
        common.SEARCH_QUERY,
    )
    assert query["REQUEST_URI"] == f"/search?{common.SEARCH_QUERY}"
    assert "CONTENT_LENGTH" not in query and "CONTENT_TYPE" not in query


def test_benchmark_every_request_reads_the_whole_body() -> None:
    bodies = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        bodies.append(environ["wsgi.input"].read())
        start_response("200 OK", [_TEXT])
        return [b"read"]

    base = sc.SCENARIOS["json_in"].environ()
    expected = sc.call(app, base)
    run.time_batch(app, base, 2, expected)
    assert bodies == [common.ITEM_JSON] * 3


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


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("hello", ["hello"]),
        ("realistic", sc.GROUPS["realistic"]),
        ("secret,realistic,hello", [*sc.GROUPS["realistic"], "hello"]),
        ("all", list(sc.SCENARIOS)),
        ("plain,realistic", list(sc.SCENARIOS)),
    ],
)
def test_benchmark_pick_scenarios_expands_groups(value: str, names: list[str]) -> None:
    picked = [s.name for s in run.pick_scenarios(value)]
    assert sorted(picked) == sorted(names) and len(picked) == len(set(picked))


def test_benchmark_pick_scenarios_refuses_unknown() -> None:
    with pytest.raises(SystemExit, match="surprise"):
        run.pick_scenarios("hello,surprise")


def test_benchmark_groups_cover_every_scenario_once() -> None:
    grouped = [name for names in sc.GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(sc.SCENARIOS)
    assert len(sc.GROUPS["realistic"]) == 8


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
    assert "| realistic | headers " in done.stdout
    cells = data["cells"]
    assert len(cells) == 2 * (len(sc.SCENARIOS) + len(SCALING))
    assert all(c["error"] is None and len(c["samples_us"]) == 1 for c in cells)
    assert all(c["median_us"] == c["samples_us"][0] for c in cells)
    assert {(c["row"], c["group"]) for c in cells} >= {
        ("last@100", "plain"),
        ("json_in", "realistic"),
    }
    assert set(data["scenarios"]) == set(sc.SCENARIOS)
    assert data["scenarios"]["json_in"]["method"] == "POST"
    assert data["harness_overhead_us"] > 0
    # The saved run prints again, the same tables, without running anything.
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), f"--report={out}"]
    again = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout == done.stdout
    assert set(data["startup_ms"]) == {"httpx_views", "pyramid"}
    assert all(len(s["import"]) == 1 for s in data["startup_ms"].values())
