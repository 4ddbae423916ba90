"""The benchmark apps answer correctly, and the runner works end to end.

Nothing here is timed: these tests make sure ``benchmarks/run.py`` cannot
silently measure a broken app, using the runner's own checks.
"""

from __future__ import annotations

import json
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from email.utils import formatdate
from importlib import metadata
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from benchmarks import hotspots, run
from benchmarks import scenarios as sc
from benchmarks.apps import common

ROOT = Path(__file__).resolve().parent.parent

SCALING = [s for s in sc.SCENARIOS.values() if s.scales]


def _app_for(contestant: str, scenario: sc.Scenario) -> sc.WSGIApp:
    """The app *scenario* goes to: the module's own, or one with middleware."""
    if scenario.middleware:
        return sc.build(contestant, scenario)
    app: sc.WSGIApp = sc.load(contestant).app
    return app


@pytest.mark.parametrize("contestant", list(sc.CONTESTANTS))
@pytest.mark.parametrize("name", list(sc.SCENARIOS))
def test_benchmark_app_answers_scenario(contestant: str, name: str) -> None:
    scenario = sc.SCENARIOS[name]
    app = _app_for(contestant, scenario)
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


def _own_calls(contestant: str, app: sc.WSGIApp, scenario: sc.Scenario) -> int:
    """Count the calls to the contestant module's functions in one request.

    The request is sent once first: some frameworks finish building on
    the first request (Bottle applies its plugins then).
    """
    sc.call(app, scenario.environ())
    filename = sc.load(contestant).__file__
    calls = 0

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        if event == "call" and frame.f_code.co_filename == filename:
            calls += 1

    sys.setprofile(profile)
    try:
        sc.call(app, scenario.environ())
    finally:
        sys.setprofile(None)
    return calls


#: Calls each no-op middleware adds to a request in the contestant's own
#: code: one, or a pair of hooks (before and after the view).
CALLS_PER_MIDDLEWARE = {
    "bare": 1,
    "webob": 1,
    "httpx_views": 1,
    "falcon": 2,
    "bottle": 1,
    "pyramid": 1,
    "flask": 2,
}


@pytest.mark.parametrize("contestant", list(sc.CONTESTANTS))
def test_benchmark_middleware_app_runs_every_middleware(contestant: str) -> None:
    hello, middleware = sc.SCENARIOS["hello"], sc.SCENARIOS["middleware"]
    plain = _own_calls(contestant, sc.build(contestant, hello), hello)
    wrapped = _own_calls(contestant, sc.build(contestant, middleware), middleware)
    assert plain > 0  # the view, at least: the count sees the module's code
    assert wrapped - plain == common.NOOP_MIDDLEWARE * CALLS_PER_MIDDLEWARE[contestant]


Headers = list[tuple[str, str]]


def _app(
    status: str, headers: Headers | Callable[[], Headers], body: bytes
) -> sc.WSGIApp:
    """An app answering as given; *headers* may be made when it answers (a
    cookie's Expires: parameters are made when the suite starts, minutes
    before the test runs)."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response(status, headers() if callable(headers) else headers)
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
        (
            "cookie",
            _app("200 OK", lambda: [_TEXT, _cookie(*_LAX, _expires(60))], _WELCOME),
        ),
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
            _app(
                "200 OK",
                lambda: [_TEXT, _cookie(*_LAX, "Path=/", _expires(3600))],
                _WELCOME,
            ),
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
        ("middleware", ["middleware"]),
        ("hello,middleware", ["hello", "middleware"]),
        ("plain,realistic,middleware", list(sc.SCENARIOS)),
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
    assert [s.name for s in sc.SCENARIOS.values() if s.middleware] == ["middleware"]
    assert sc.GROUPS["middleware"] == ["middleware"]


def test_benchmark_plan_builds_middleware_its_own_app() -> None:
    scenarios = run.pick_scenarios("hello,users,middleware")
    cells = run.plan(["httpx_views", "bare"], scenarios, [0, 100], lambda _: None)
    apps = {(c.contestant, c.row): c.app for c in cells if c.app is not None}
    assert set(apps) == {
        (name, row)
        for name in ("httpx_views", "bare")
        for row in ("hello", "users", "middleware")
    }
    for name in ("httpx_views", "bare"):
        assert apps[name, "hello"] is apps[name, "users"]
        assert apps[name, "middleware"] is not apps[name, "hello"]
        hello = sc.call(apps[name, "hello"], sc.environ("/hello"))
        assert sc.call(apps[name, "middleware"], sc.environ("/hello")) == hello


def _rows(table: str) -> list[list[str]]:
    """The cells of a Markdown table's rows, its header and rule left out."""
    lines = table.splitlines()[2:]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def _cell(contestant: str, scenario: str, microseconds: float) -> run.Cell:
    cell = run.Cell(contestant, sc.SCENARIOS[scenario], 0, None, {})
    cell.samples = [microseconds]
    return cell


@pytest.mark.parametrize(
    ("hello", "middleware", "shown", "met"),
    [(4.0, 5.0, "1.25", True), (4.0, 5.2, "1.30", True), (4.0, 6.0, "1.50", False)],
)
def test_benchmark_report_gives_middleware_over_hello(
    hello: float, middleware: float, shown: str, met: bool
) -> None:
    cells = [
        _cell("httpx_views", "hello", hello),
        _cell("httpx_views", "middleware", middleware),
        _cell("bare", "hello", 2.0),
        _cell("bare", "middleware", 2.5),
    ]
    results = run.Results(cells, ["bare", "httpx_views"])
    table = results.middleware_table()
    assert table is not None
    assert _rows(table) == [[run.RATIO, "1.25", shown]]
    goals = {goal: (measured, ok) for goal, measured, ok in results.goals({})}
    [goal] = [goal for goal in goals if run.RATIO in goal]
    assert goals[goal] == (f"{run.RATIO} {shown}", met)


def test_benchmark_report_has_no_middleware_ratio_without_both_rows() -> None:
    results = run.Results([_cell("httpx_views", "middleware", 5.0)], ["httpx_views"])
    assert results.middleware_table() is None
    assert not [goal for goal, _, _ in results.goals({}) if run.RATIO in goal]


def test_benchmark_instruction_counts_give_middleware_over_hello(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    per_request = {
        ("a", "hello"): 1000,
        ("a", "middleware"): 1500,
        ("b", "hello"): 800,
        ("b", "middleware"): 1000,
    }

    def instructions(
        valgrind: str, contestant: str, scenario: str, routes: int, count: int
    ) -> int:
        return 5_000_000 + count * per_request[contestant, scenario]

    monkeypatch.setattr(hotspots, "_valgrind", lambda: "valgrind")
    monkeypatch.setattr(hotspots, "_loop_instructions", instructions)
    scenarios = [sc.SCENARIOS["hello"], sc.SCENARIOS["middleware"]]
    table = hotspots.count_instructions(["a", "b"], scenarios, 0, 100)
    assert _rows(table) == [
        ["hello", "1,000", "800"],
        ["middleware", "1,500", "1,000"],
        [run.RATIO, "1.50", "1.25"],
    ]


def test_benchmark_json_keeps_what_was_measured(tmp_path: Path) -> None:
    samples = {
        ("httpx_views", "hello"): [4.0, 5.0, 4.5, 6.0, 4.8],
        ("falcon", "hello"): [9.0, 8.5, 9.5],
        ("httpx_views", "nope"): [20.0, 22.0, 21.0, 30.0],
    }
    cells = []
    for (contestant, scenario), values in samples.items():
        cell = _cell(contestant, scenario, 0.0)
        cell.samples = values
        cells.append(cell)
    failed = _cell("falcon", "nope", 0.0)
    failed.samples, failed.error = [], "WrongAnswer: 500"
    cells.append(failed)
    environment = {"python": "3.11.7", "versions": {"falcon": "4.4.0"}}
    method = {"rounds": 5, "batch_ms": 30.0, "route_counts": [0]}
    measured = run.Run(
        ["httpx_views", "falcon"],
        cells,
        {},
        "about this run",
        0.97,
        environment=environment,
        method=method,
    )
    path = tmp_path / "run.json"
    run.save_json(str(path), measured)
    data = json.loads(path.read_text())
    assert data["environment"] == environment
    assert data["method"] == method
    assert data["contestants"] == ["httpx_views", "falcon"]
    assert data["rows"] == ["hello", "nope@0"]
    assert data["harness_overhead_us"] == 0.97
    saved = {(c["contestant"], c["scenario"]): c for c in data["cells"]}
    ours = saved["httpx_views", "hello"]
    assert ours["samples_us"] == [4.0, 5.0, 4.5, 6.0, 4.8]
    assert ours["median_us"] == 4.8
    first, _, third = statistics.quantiles([4.0, 5.0, 4.5, 6.0, 4.8], n=4)
    assert ours["quartiles_us"] == pytest.approx([first, third])
    assert ours["iqr_percent"] == pytest.approx(100 * (third - first) / 4.8)
    # Fewer than four rounds have no quartiles; a failed cell no median.
    assert saved["falcon", "hello"]["median_us"] == 9.0
    assert saved["falcon", "hello"]["quartiles_us"] is None
    assert saved["falcon", "nope"]["median_us"] is None
    assert saved["falcon", "nope"]["error"] == "WrongAnswer: 500"
    again = run.load_json(str(path))
    assert (again.environment, again.method) == (environment, method)
    assert [c.samples for c in again.cells] == [c.samples for c in cells]


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
    assert re.search(r"\| middleware +\| middleware ", done.stdout)
    assert f"| {run.RATIO} " in done.stdout
    assert "Ratio to webob" not in done.stdout  # not a contestant here
    assert "import + build 100 routes" in done.stdout
    data = json.loads(out.read_text())
    assert re.search(r"\| realistic +\| headers ", done.stdout)
    cells = data["cells"]
    assert len(cells) == 2 * (len(sc.SCENARIOS) + len(SCALING))
    assert all(c["error"] is None and len(c["samples_us"]) == 1 for c in cells)
    assert all(c["median_us"] == c["samples_us"][0] for c in cells)
    assert {(c["row"], c["group"]) for c in cells} >= {
        ("last@100", "plain"),
        ("json_in", "realistic"),
        ("middleware", "middleware"),
    }
    assert set(data["scenarios"]) == set(sc.SCENARIOS)
    assert data["scenarios"]["json_in"]["method"] == "POST"
    assert data["harness_overhead_us"] > 0
    assert data["rows"][:2] == ["hello", "users"]
    assert set(data["rows"]) == {c["row"] for c in cells}
    assert data["method"]["rounds"] == 1
    assert data["method"]["route_counts"] == [0, 100]
    assert data["method"]["batch_ms"] == 2.0
    environment = data["environment"]
    assert environment["python"] == platform.python_version()
    assert environment["machine"] == platform.machine()
    for name in ("httpx_views", "pyramid", "webob"):
        assert environment["versions"][name] == metadata.version(name)
    # The saved run prints again, the same tables, without running anything.
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), f"--report={out}"]
    again = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout == done.stdout
    assert set(data["startup_ms"]) == {"httpx_views", "pyramid"}
    assert all(len(s["import"]) == 1 for s in data["startup_ms"].values())
