"""In-process benchmark: every contestant, every scenario, side by side.

No server and no sockets: each request is a fresh copy of a Waitress-shaped
environ (with a fresh ``BytesIO`` as ``wsgi.input``) handed straight to the
application, whose body is drained and closed. The first answer of every
cell (contestant x scenario x route count) is checked in full; every timed
answer must then equal it (status, headers and body), so a broken app fails
the run instead of looking fast.

Cells are timed in batches of about ``--batch-ms``, and each round times one
batch of every cell, contestants in a fresh random order per scenario, so a
machine that slows down mid-run slows everyone alike. Reported: the median
over rounds in microseconds per request, the spread (IQR) and ratios that
hold within one run, among them each contestant's ``middleware / hello``:
what three no-op middlewares add to a ``hello``, both timed in the same
rounds. The run also times, in fresh interpreters, importing each
contestant and building its app with 100 routes.

Usage, from the repository root::

    python benchmarks/run.py                 # everything, ~1.5 minutes
    python benchmarks/run.py --quick         # a rough look, ~30 seconds
    python benchmarks/run.py --scenarios realistic --startup-runs 0
    python benchmarks/run.py --contestants httpx_views,falcon --scenarios hello
    python benchmarks/run.py --scenarios hello,middleware --startup-runs 0
    python benchmarks/run.py --startup-only  # only import + build times
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from math import isnan
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, ROOT)

from benchmarks import scenarios as sc  # noqa: E402

ROUTE_COUNTS = (0, 100, 1000)
#: Routes of the app whose import + build is timed.
STARTUP_ROUTES = 100
#: The contestants ratios refer to, by name.
FALCON, WEBOB, OURS = "falcon", "webob", "httpx_views"
#: Scenarios whose cost the goals compare with our own ``hello``.
EXCEPTION_SCENARIOS = ("buy", "returned", "secret", "nope")
#: ``hello`` through no-op middleware, compared with each contestant's ``hello``.
MIDDLEWARE = "middleware"
RATIO = "middleware / hello"
#: Modules imported before any timing, so the first cell pays for no import.
_PRELOAD = ("json", "waitress.buffers")


# -- timing -----------------------------------------------------------------------


def time_batch(
    app: sc.WSGIApp, base: dict[str, Any], count: int, expected: sc.Answer
) -> tuple[float, int]:
    """Send *count* requests; return the seconds taken and the wrong answers.

    Everything in the loop is counted in every contestant's time, so it does
    the least a server would: copy the environ, a fresh input stream with
    the request's body, call, drain, close, and compare with the verified
    answer. A body handed back as the very bytes object the first answer
    held (the prebuilt 1 MiB of ``big``) compares by identity, at no cost;
    only a copy would be compared byte by byte.
    """
    start_response = sc.StartResponse()
    status, headers, body = expected
    request_body = sc.request_body(base)
    copy = base.copy
    fresh_input = io.BytesIO
    join = b"".join
    clock = time.perf_counter
    wrong = 0
    started = clock()
    for _ in range(count):
        env = copy()
        env["wsgi.input"] = fresh_input(request_body)
        start_response.status = None
        chunks = app(env, start_response)
        try:
            out = join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        if (
            out != body
            or start_response.status != status
            or start_response.headers != headers
        ):
            # Rare and slow: only a cookie's Expires may differ (by a second).
            answer = sc.Answer(
                start_response.status or "", list(start_response.headers or ()), out
            )
            if not sc.same_answer(answer, expected):
                wrong += 1
    return clock() - started, wrong


def cyclic_garbage(app: sc.WSGIApp, base: dict[str, Any]) -> int:
    """Count the objects one request leaves in reference cycles.

    Reference counting cannot free them: they wait for a collection, which
    in a server also walks everything else alive (the requests in flight,
    the server's own objects) -- a cost the in-process timing, with its
    small frozen heap, understates.
    """
    gc.collect()
    gc.disable()
    try:
        sc.call(app, base)
        return gc.collect()
    finally:
        gc.enable()


def _null_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Length", "0")])
    return [b""]


def harness_overhead(batch_s: float) -> float:
    """Return the loop's own cost per request (µs), with a do-nothing app."""
    base = sc.environ("/")
    expected = sc.call(_null_app, base)
    seconds, _ = time_batch(_null_app, base, 20_000, expected)
    count = max(1_000, int(20_000 * batch_s / seconds))
    return statistics.median(
        time_batch(_null_app, base, count, expected)[0] / count * 1e6 for _ in range(5)
    )


@dataclass
class Cell:
    """One contestant answering one scenario at one route count."""

    contestant: str
    scenario: sc.Scenario
    routes: int
    app: sc.WSGIApp | None
    base: dict[str, Any]
    expected: sc.Answer | None = None
    batch: int = 0
    samples: list[float] = field(default_factory=list)  # µs/request per round
    #: Objects one request leaves in reference cycles, for the GC to find.
    garbage: int = 0
    error: str | None = None

    @property
    def row(self) -> str:
        """The table row: the scenario, with the route count if it matters."""
        if self.scenario.scales:
            return f"{self.scenario.name}@{self.routes}"
        return self.scenario.name

    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    def best(self) -> float:
        return min(self.samples) if self.samples else float("nan")

    def quartiles(self) -> tuple[float, float] | None:
        """The first and third quartiles of the samples; None below 4 rounds."""
        if len(self.samples) < 4:
            return None
        low, _, high = statistics.quantiles(self.samples, n=4)
        return low, high

    def iqr_percent(self) -> float:
        quartiles = self.quartiles()
        if quartiles is None:
            return float("nan")
        low, high = quartiles
        return 100 * (high - low) / self.median()

    def prepare(self, batch_s: float, warmup_s: float) -> None:
        """Verify the first answer, warm up and size the batch."""
        assert self.app is not None
        try:
            self.expected = sc.call(self.app, self.base)
            self.scenario.verify(self.expected)
            count, spent, done = 8, 0.0, 0
            while spent < warmup_s or done < 64:
                seconds, wrong = time_batch(self.app, self.base, count, self.expected)
                if wrong:
                    raise sc.WrongAnswer(f"{wrong} of {count} warm-up answers differ")
                spent += seconds
                done += count
                count *= 2
            self.garbage = cyclic_garbage(self.app, self.base)
        except Exception as exc:  # one broken contestant must not sink the run
            self.error = f"{type(exc).__name__}: {exc}"
            return
        self.batch = max(10, int(batch_s * done / spent))

    def measure(self) -> None:
        """Time one batch and keep its µs per request."""
        assert self.app is not None and self.expected is not None
        gc.collect()
        try:
            seconds, wrong = time_batch(self.app, self.base, self.batch, self.expected)
        except Exception as exc:
            self.error = f"raised while timed: {type(exc).__name__}: {exc}"
            return
        if wrong:
            self.error = f"{wrong} of {self.batch} timed answers differ"
            return
        self.samples.append(seconds / self.batch * 1e6)


def plan(
    contestants: Sequence[str],
    scenarios: Sequence[sc.Scenario],
    route_counts: Sequence[int],
    log: Callable[[str], None],
) -> list[Cell]:
    """Build the apps and one cell per contestant, scenario and route count.

    Every scenario runs at the first route count; the others only repeat the
    scenarios whose cost may depend on the number of routes. The scenarios
    share one app per contestant and route count, but for the middleware
    group's, which has its own (the others' stays without middleware).
    """
    cells = []
    for index, routes in enumerate(route_counts):
        wanted = [s for s in scenarios if index == 0 or s.scales]
        for name in contestants:
            apps: dict[bool, tuple[sc.WSGIApp | None, str | None]] = {}
            for scenario in wanted:
                if scenario.middleware not in apps:
                    apps[scenario.middleware] = _build(name, scenario, routes, log)
                app, error = apps[scenario.middleware]
                base = scenario.environ()
                cells.append(Cell(name, scenario, routes, app, base, error=error))
    return cells


def _build(
    name: str, scenario: sc.Scenario, routes: int, log: Callable[[str], None]
) -> tuple[sc.WSGIApp | None, str | None]:
    """Build the app *scenario* goes to; return it, or why it failed."""
    what = f"{name} with {routes} routes"
    if scenario.middleware:
        what += " and no-op middleware"
    started = time.perf_counter()
    try:
        app = sc.build(name, scenario, routes)
    except Exception as exc:
        error = f"build failed: {type(exc).__name__}: {exc}"
        log(f"  {what}: {error}")
        return None, error
    seconds = time.perf_counter() - started
    if seconds > 0.2:
        log(f"  built {what} in {seconds:.1f}s")
    return app, None


def run_rounds(
    cells: list[Cell], rounds: int, seed: int, log: Callable[[str], None]
) -> None:
    """Time every live cell once per round, in a shuffled order per group."""
    groups: dict[tuple[int, str], list[Cell]] = {}
    for cell in cells:
        groups.setdefault((cell.routes, cell.scenario.name), []).append(cell)
    shuffle = random.Random(seed).shuffle
    for number in range(1, rounds + 1):
        started = time.perf_counter()
        for group in groups.values():
            order = list(group)
            shuffle(order)
            for cell in order:
                if cell.error is None:
                    cell.measure()
        log(f"  round {number}/{rounds}: {time.perf_counter() - started:.1f}s")


# -- import and build ---------------------------------------------------------------

# Run in a fresh interpreter per measurement: importing the contestant's
# module (its framework with it), building the app with N routes, then its
# first request (Falcon compiles its router then, httpx_views freezes).
_STARTUP_CHILD = """\
import sys, time
t0 = time.perf_counter()
__import__(sys.argv[1])
t1 = time.perf_counter()
app = sys.modules[sys.argv[1]].make_app(int(sys.argv[2]))
t2 = time.perf_counter()
from benchmarks import scenarios
env = scenarios.environ("/hello")
t3 = time.perf_counter()
scenarios.check(app, scenarios.SCENARIOS["hello"])
t4 = time.perf_counter()
print(t1 - t0, t2 - t1, t4 - t3)
"""


@dataclass
class Startup:
    """Import and build times of one contestant, in milliseconds per run."""

    contestant: str
    imports: list[float] = field(default_factory=list)
    builds: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    process: list[float] = field(default_factory=list)
    error: str | None = None

    def total(self) -> float:
        """Median of import + build."""
        pairs = zip(self.imports, self.builds, strict=True)
        return statistics.median(i + b for i, b in pairs)


def measure_startup(
    contestants: Sequence[str], runs: int, routes: int, seed: int
) -> dict[str, Startup]:
    """Time import + build in *runs* fresh interpreters per contestant.

    One untimed run each comes first (it may write bytecode caches); the
    timed runs interleave the contestants in a shuffled order.
    """
    results = {name: Startup(name) for name in contestants}
    # A deployed app imports from bytecode caches: let the untimed run write
    # them even where the environment asks Python not to.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    shuffle = random.Random(seed).shuffle
    for run in range(runs + 1):
        order = list(contestants)
        shuffle(order)
        for name in order:
            result = results[name]
            if result.error:
                continue
            module = f"benchmarks.apps.{sc.CONTESTANTS[name]}"
            command = [sys.executable, "-c", _STARTUP_CHILD, module, str(routes)]
            started = time.perf_counter()
            done = subprocess.run(
                command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
            )
            wall = time.perf_counter() - started
            if done.returncode:
                result.error = done.stderr.strip().splitlines()[-1]
                continue
            if run == 0:
                continue
            imported, built, first = (float(x) * 1e3 for x in done.stdout.split())
            result.imports.append(imported)
            result.builds.append(built)
            result.first.append(first)
            result.process.append(wall * 1e3)
    return results


# -- the report ---------------------------------------------------------------------


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], labels: int = 1
) -> str:
    """A Markdown table, its columns padded so it reads as text too.

    The first *labels* columns are left-aligned, the others (numbers)
    right-aligned.
    """
    columns = zip(headers, *rows, strict=True)
    widths = [max(len(str(c)) for c in column) for column in columns]

    def line(cells: Sequence[str]) -> str:
        padded = [
            str(c).ljust(w) if i < labels else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        ":" + "-" * (w + 1) if i < labels else "-" * (w + 1) + ":"
        for i, w in enumerate(widths)
    )
    return "\n".join([line(headers), rule + "|"] + [line(r) for r in rows])


def _row_order(cells: Sequence[Cell]) -> list[str]:
    """The table rows, group by group: fixed scenarios, then scaling ones.

    A scaling scenario has a row per route count (``nope@0``, ``nope@100``).
    """
    rows = []
    for group in sc.GROUPS:
        members = [c for c in cells if c.scenario.group == group]
        fixed = [c.row for c in members if not c.scenario.scales]
        scaling = sorted(
            {(c.scenario.name, c.routes) for c in members if c.scenario.scales},
            key=lambda item: (list(sc.SCENARIOS).index(item[0]), item[1]),
        )
        rows += list(dict.fromkeys(fixed)) + [f"{name}@{n}" for name, n in scaling]
    return rows


def _fmt(value: float, digits: int = 2) -> str:
    return "-" if value != value else f"{value:.{digits}f}"


class Results:
    """The medians of a run, looked up by row and contestant."""

    def __init__(
        self, cells: Sequence[Cell], contestants: Sequence[str], stat: str = "median"
    ) -> None:
        self.cells = {(c.row, c.contestant): c for c in cells}
        self.stat = stat
        self.contestants = list(contestants)
        self.rows = _row_order(cells)
        self.groups = {c.row: c.scenario.group for c in cells}

    def _grouped(self, rows: Sequence[list[str]]) -> list[list[str]]:
        """*rows* (one per :attr:`rows`), each group named on its first row."""
        shown = []
        previous = None
        for row in rows:
            group = self.groups[row[0]]
            shown.append([group if group != previous else "", *row])
            previous = group
        return shown

    def value(self, row: str, contestant: str) -> float:
        """The run's statistic for *contestant* in *row* (NaN if it failed)."""
        cell = self.cells.get((row, contestant))
        if cell is None or cell.error or not cell.samples:
            return float("nan")
        return cell.best() if self.stat == "min" else cell.median()

    def ratio(
        self, row: str, contestant: str, other: str, other_row: str = ""
    ) -> float:
        """*contestant* in *row* over *other* in *other_row* (default *row*)."""
        return self.value(row, contestant) / self.value(other_row or row, other)

    def medians_table(self) -> str:
        rows = []
        for row in self.rows:
            line = [row]
            for name in self.contestants:
                cell = self.cells.get((row, name))
                if cell is None:
                    line.append("n/a")
                elif cell.error:
                    line.append("FAIL")
                else:
                    spread = cell.iqr_percent()
                    shown = f"{self.value(row, name):.2f}"
                    if spread == spread:  # not NaN: enough rounds for quartiles
                        shown += f" ±{spread:.0f}%"
                    line.append(shown)
            rows.append(line)
        return markdown_table(
            ["group", f"µs ({self.stat})", *self.contestants], self._grouped(rows), 2
        )

    def ratio_table(self, other: str) -> str:
        rows = [
            [row] + [_fmt(self.ratio(row, name, other)) for name in self.contestants]
            for row in self.rows
        ]
        return markdown_table(
            ["group", f"x {other}", *self.contestants], self._grouped(rows), 2
        )

    def garbage_table(self) -> str | None:
        """Objects left in reference cycles per request, where any are."""
        if not any(c.garbage for c in self.cells.values()):
            return None
        rows = [
            [row]
            + [
                str(cell.garbage) if (cell := self.cells.get((row, name))) else "-"
                for name in self.contestants
            ]
            for row in self.rows
        ]
        return markdown_table(
            ["group", "cyclic garbage/req", *self.contestants], self._grouped(rows), 2
        )

    def flatness_table(self) -> str | None:
        """last@N / last@0 and nope@N / nope@0 for every contestant."""
        columns = [
            (name, n)
            for name in ("last", "nope")
            for n in sorted({c.routes for c in self.cells.values()})
            if n and f"{name}@{n}" in self.rows and f"{name}@0" in self.rows
        ]
        if not columns:
            return None
        rows = [
            [contestant]
            + [
                _fmt(self.ratio(f"{name}@{n}", contestant, contestant, f"{name}@0"))
                for name, n in columns
            ]
            for contestant in self.contestants
        ]
        headers = [f"{name}@{n} / @0" for name, n in columns]
        return markdown_table(["flatness", *headers], rows)

    def own_table(self) -> str | None:
        """Our exception scenarios relative to our own ``hello``."""
        rows = [
            [row, _fmt(self.ratio(row, OURS, OURS, "hello"))]
            for row in self.rows
            if row.split("@")[0] in EXCEPTION_SCENARIOS
        ]
        if OURS not in self.contestants or "hello" not in self.rows or not rows:
            return None
        return markdown_table([f"{OURS}", "x own hello"], rows)

    def middleware_table(self) -> str | None:
        """``middleware / hello`` for every contestant: what the middleware adds."""
        if MIDDLEWARE not in self.rows or "hello" not in self.rows:
            return None
        row = [
            _fmt(self.ratio(MIDDLEWARE, name, name, "hello"))
            for name in self.contestants
        ]
        return markdown_table(["no-op middleware", *self.contestants], [[RATIO, *row]])

    def goals(self, startup: dict[str, Startup]) -> list[tuple[str, str, bool]]:
        """The goals that this run can judge: (goal, measured, met)."""
        out: list[tuple[str, str, bool]] = []
        if OURS not in self.contestants:
            return out

        def add(goal: str, values: dict[str, float], limit: float) -> None:
            values = {k: v for k, v in values.items() if v == v}
            if values:
                shown = ", ".join(f"{k} {v:.2f}" for k, v in values.items())
                out.append((goal, shown, all(v < limit for v in values.values())))

        if FALCON in self.contestants:
            add(
                "faster than Falcon everywhere (x falcon < 1)",
                {row: self.ratio(row, OURS, FALCON) for row in self.rows},
                1.0,
            )
        largest = max((c.routes for c in self.cells.values()), default=0)
        if WEBOB in self.contestants:
            rows = ["hello", "users", f"last@{largest}"]
            add(
                "within 1.3x of WebOb alone (x webob <= 1.3)",
                {row: self.ratio(row, OURS, WEBOB) for row in rows},
                1.3 + 1e-9,
            )
        smallest = min((c.routes for c in self.cells.values()), default=0)
        add(
            "exceptions within 2x of own hello (<= 2)",
            {
                row: self.ratio(row, OURS, OURS, "hello")
                for row in self.rows
                if row in EXCEPTION_SCENARIOS or row == f"nope@{smallest}"
            },
            2.0 + 1e-9,
        )
        if largest:
            add(
                f"routing flat: @{largest} / @0 <= 1.15",
                {
                    f"{name}@{largest}": self.ratio(
                        f"{name}@{largest}", OURS, OURS, f"{name}@0"
                    )
                    for name in ("last", "nope")
                },
                1.15 + 1e-9,
            )
        if MIDDLEWARE in self.rows and "hello" in self.rows:
            add(
                f"{sc.SCENARIOS[MIDDLEWARE].about} at most 1.3x a bare hello "
                f"({RATIO} <= 1.3)",
                {RATIO: self.ratio(MIDDLEWARE, OURS, OURS, "hello")},
                1.3 + 1e-9,
            )
        ours, pyramid = startup.get(OURS), startup.get("pyramid")
        if ours and pyramid and ours.imports and pyramid.imports:
            add(
                "import + build 100 routes < 1/3 of Pyramid's",
                {"x pyramid": ours.total() / pyramid.total()},
                1 / 3,
            )
        return out


def startup_table(startup: dict[str, Startup], routes: int) -> str:
    pyramid = startup.get("pyramid")
    base = pyramid.total() if pyramid and pyramid.imports else float("nan")
    rows = []
    for name, result in startup.items():
        if result.error or not result.imports:
            rows.append([name, "FAIL", "", "", "", "", result.error or ""])
            continue
        rows.append(
            [
                name,
                _fmt(statistics.median(result.imports), 1),
                _fmt(statistics.median(result.builds), 1),
                _fmt(result.total(), 1),
                _fmt(result.total() / base),
                _fmt(statistics.median(result.first), 2),
                _fmt(statistics.median(result.process), 0),
            ]
        )
    headers = [
        "ms (median)",
        "import",
        f"build {routes} routes",
        "import+build",
        "x pyramid",
        "1st request",
        "whole process",
    ]
    return markdown_table(headers, rows)


# -- main -----------------------------------------------------------------------------


#: The distributions whose versions a run records: ours, the peers, the server
#: whose environ the harness imitates.
DISTRIBUTIONS = (
    "httpx_views",
    "webob",
    "falcon",
    "bottle",
    "pyramid",
    "flask",
    "waitress",
)


def package_versions() -> dict[str, str]:
    """The installed version of each of :data:`DISTRIBUTIONS` that is installed."""
    found = {}
    for name in DISTRIBUTIONS:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    return found


def _versions() -> str:
    versions = package_versions()
    return ", ".join(f"{name} {version}" for name, version in versions.items())


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="See benchmarks/README.md for how to read the tables.",
    )
    parser.add_argument(
        "--contestants",
        default=",".join(sc.CONTESTANTS),
        help="comma-separated (default: all: %(default)s)",
    )
    groups = "; ".join(
        f"{group}: {','.join(names)}" for group, names in sc.GROUPS.items()
    )
    parser.add_argument(
        "--scenarios",
        default="all",
        help="comma-separated scenarios or groups, or all (default: %(default)s; "
        f"{groups})",
    )
    parser.add_argument(
        "--routes",
        default=",".join(map(str, ROUTE_COUNTS)),
        help="filler route counts; the first gets every scenario, the others "
        "only the route-sensitive ones (default: %(default)s)",
    )
    parser.add_argument("--rounds", type=int, help="timed rounds (default 11)")
    parser.add_argument("--batch-ms", type=float, help="one batch (default 30)")
    parser.add_argument("--warmup-ms", type=float, help="per cell (default 30)")
    parser.add_argument(
        "--startup-runs",
        type=int,
        help="fresh interpreters per contestant for import + build; 0 skips "
        "(default 7)",
    )
    parser.add_argument(
        "--startup-only", action="store_true", help="only time import + build"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="3 rounds of 10 ms batches, 3 startup runs: rough but fast",
    )
    parser.add_argument(
        "--stat",
        choices=("median", "min"),
        default="median",
        help="statistic over rounds for the tables and goals; min resists a "
        "machine busy with other work (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=5, help="order shuffling seed")
    parser.add_argument("--json", metavar="FILE", help="also write every sample")
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.add_argument(
        "--report", metavar="FILE", help="run nothing: re-print a --json file"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    for name, normal, fast in (
        ("rounds", 11, 3),
        ("batch_ms", 30.0, 10.0),
        ("warmup_ms", 30.0, 10.0),
        ("startup_runs", 7, 3),
    ):
        if getattr(args, name) is None:
            setattr(args, name, fast if quick else normal)
    return args


def _split(value: str, known: Sequence[str], what: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)} (known: {known})")
    return names


def pick_scenarios(value: str) -> list[sc.Scenario]:
    """The scenarios *value* names, groups and ``all`` expanded, once each.

    >>> [s.name for s in pick_scenarios("hello,plain")][:3]
    ['hello', 'users', 'buy']
    """
    groups = {"all": list(sc.SCENARIOS), **sc.GROUPS}
    names: list[str] = []
    for name in _split(value, [*groups, *sc.SCENARIOS], "scenario or group"):
        names += groups.get(name, [name])
    return [sc.SCENARIOS[name] for name in dict.fromkeys(names)]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.report:
        return print_report(load_json(args.report), args.stat)
    contestants = _split(args.contestants, list(sc.CONTESTANTS), "contestant")
    scenarios = pick_scenarios(args.scenarios)
    route_counts = [int(n) for n in args.routes.split(",") if n.strip()]

    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    # WebOb 1.8 imports the cgi module, deprecated since Python 3.11.
    warnings.simplefilter("ignore", DeprecationWarning)
    for module in _PRELOAD:
        __import__(module)
    load_before = os.getloadavg()[0]
    run_date = datetime.now(timezone.utc).isoformat(timespec="seconds")
    started = time.perf_counter()
    cells: list[Cell] = []
    overhead = float("nan")
    if not args.startup_only:
        log("building apps ...")
        cells = plan(contestants, scenarios, route_counts, log)
        # Old objects (apps, modules) go to the permanent generation, as they
        # would be long-lived in a server. Done before the warm-up too: with
        # 21 apps alive, collections walking them made it 20 times slower
        # and sized the batches too small.
        gc.collect()
        gc.freeze()
        log(f"verifying and warming up {len(cells)} cells ...")
        for cell in cells:
            if cell.error is None:
                cell.prepare(args.batch_ms / 1e3, args.warmup_ms / 1e3)
        # What the first requests built to last (caches) joins them; each
        # batch starts collected.
        gc.collect()
        gc.freeze()
        overhead = harness_overhead(args.batch_ms / 1e3)
        live = sum(cell.error is None for cell in cells)
        log(f"timing {live} cells x {args.rounds} rounds ...")
        run_rounds(cells, args.rounds, args.seed, log)
        gc.unfreeze()
    startup: dict[str, Startup] = {}
    if args.startup_runs:
        log(f"timing import + build, {args.startup_runs} fresh interpreters each ...")
        startup = measure_startup(
            contestants, args.startup_runs, STARTUP_ROUTES, args.seed
        )
    load_after = os.getloadavg()[0]
    seconds = time.perf_counter() - started
    run = Run(
        contestants=contestants,
        cells=cells,
        startup=startup,
        overhead_us=overhead,
        environment={
            "date": run_date,
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "system": platform.system(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "load_average": [round(load_before, 2), round(load_after, 2)],
            "versions": package_versions(),
        },
        method={
            "rounds": 0 if args.startup_only else args.rounds,
            "batch_ms": args.batch_ms,
            "warmup_ms": args.warmup_ms,
            "seed": args.seed,
            "route_counts": [] if args.startup_only else route_counts,
            "startup_runs": args.startup_runs,
            "startup_routes": STARTUP_ROUTES,
            "seconds": round(seconds, 1),
        },
        about=(
            f"Python {platform.python_version()} on {platform.machine()} "
            f"{platform.system()}, {os.cpu_count()} CPUs, load {load_before:.2f} "
            f"-> {load_after:.2f}; {_versions()}\n"
            f"{args.rounds} rounds of ~{args.batch_ms:.0f} ms batches, "
            f"{seconds:.0f} s in all; harness overhead "
            f"{overhead:.2f} µs/request (included in every number)"
        ),
    )
    if args.json:
        save_json(args.json, run)
        log(f"wrote {args.json}")
    return print_report(run, args.stat)


@dataclass
class Run:
    """Everything one run measured."""

    contestants: list[str]
    cells: list[Cell]
    startup: dict[str, Startup]
    about: str
    #: The timing loop's own cost per request, in every sample.
    overhead_us: float = float("nan")
    #: Where it ran: date, Python, platform, load, package versions.
    environment: dict[str, Any] = field(default_factory=dict)
    #: How it ran: rounds, batch and warm-up lengths, route counts, seed.
    method: dict[str, Any] = field(default_factory=dict)


def print_report(run: Run, stat: str) -> int:
    """Print every table of *run*; return 1 if anything failed, else 0."""
    print(run.about)
    cells, startup = run.cells, run.startup
    results = Results(cells, run.contestants, stat)
    if cells:
        what = "Median" if stat == "median" else "Fastest round's"
        print(f"\n{what} µs per request, ± IQR as % of the median:\n")
        print(results.medians_table())
        for other in (FALCON, WEBOB):
            if other in run.contestants:
                print(f"\nRatio to {other} (< 1 is faster):\n")
                print(results.ratio_table(other))
        extras = (
            results.flatness_table(),
            results.own_table(),
            results.middleware_table(),
            results.garbage_table(),
        )
        for extra in extras:
            if extra:
                print()
                print(extra)
    if startup:
        runs = max(len(s.imports) for s in startup.values())
        print(
            f"\nImport + build with 100 routes, fresh interpreters, median of {runs}:\n"
        )
        print(startup_table(startup, 100))
    goals = results.goals(startup)
    if goals:
        print("\nGoals judged by this run:\n")
        for goal, shown, met in goals:
            print(f"- [{'x' if met else ' '}] {goal}: {shown}")
    failed = [c for c in cells if c.error] + [s for s in startup.values() if s.error]
    if failed:
        print("\nFAILED (not timed or discarded):")
        for cell in cells:
            if cell.error:
                print(f"- {cell.contestant} {cell.row}: {cell.error}")
        for result in startup.values():
            if result.error:
                print(f"- {result.contestant} import + build: {result.error}")
    return 1 if failed else 0


def save_json(path: str, run: Run) -> None:
    """Write *run*, every sample included, to *path*.

    Enough to draw a chart without this module: where and how it ran, the
    table rows in order, per cell its scenario, group, table row, contestant,
    median, quartiles and every sample (µs per request), and what each
    scenario sends. ``benchmarks/README.md`` describes every field.
    """
    used = dict.fromkeys(c.scenario for c in run.cells)
    data = {
        "about": run.about,
        "argv": sys.argv,
        "environment": run.environment,
        "method": run.method,
        "contestants": run.contestants,
        "rows": _row_order(run.cells),
        "harness_overhead_us": None if isnan(run.overhead_us) else run.overhead_us,
        "scenarios": {
            s.name: {
                "group": s.group,
                "method": s.method,
                "path": s.path,
                "status": s.status,
                "about": s.about,
                "scales": s.scales,
            }
            for s in used
        },
        "cells": [
            {
                "contestant": c.contestant,
                "scenario": c.scenario.name,
                "group": c.scenario.group,
                "row": c.row,
                "routes": c.routes,
                "median_us": c.median() if c.samples else None,
                "quartiles_us": c.quartiles(),
                "iqr_percent": c.iqr_percent() if len(c.samples) >= 4 else None,
                "batch": c.batch,
                "garbage": c.garbage,
                "samples_us": c.samples,
                "error": c.error,
            }
            for c in run.cells
        ],
        "startup_ms": {
            name: {
                "import": s.imports,
                "build": s.builds,
                "first_request": s.first,
                "process": s.process,
                "error": s.error,
            }
            for name, s in run.startup.items()
        },
    }
    with open(path, "w", encoding="utf-8") as file:
        json.dump(data, file, indent=1)


def load_json(path: str) -> Run:
    """Read back a run written by :func:`save_json`."""
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    cells = []
    for item in data["cells"]:
        scenario = sc.SCENARIOS[item["scenario"]]
        cell = Cell(item["contestant"], scenario, item["routes"], None, {})
        cell.samples, cell.error, cell.batch = (
            item["samples_us"],
            item["error"],
            item["batch"],
        )
        cell.garbage = item.get("garbage", 0)
        cells.append(cell)
    startup = {}
    for name, item in data["startup_ms"].items():
        result = Startup(name, error=item["error"])
        result.imports, result.builds = item["import"], item["build"]
        result.first, result.process = item["first_request"], item["process"]
        startup[name] = result
    overhead = data.get("harness_overhead_us")
    return Run(
        data["contestants"],
        cells,
        startup,
        data["about"],
        float("nan") if overhead is None else overhead,
        # Files written before these fields existed have neither.
        environment=data.get("environment", {}),
        method=data.get("method", {}),
    )


if __name__ == "__main__":
    sys.exit(main())
