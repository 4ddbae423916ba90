"""Where a contestant spends its time, per scenario.

Two views, both on the in-process request of ``run.py``:

* by default, ``cProfile``: the functions with the most own time, their
  share of the total and their cost per request (profiling inflates every
  number, the shares are what to read);
* ``--instructions``: CPU instructions per request counted by Valgrind
  (``cachegrind``), which barely move on a busy machine: the number to
  compare before and after a change. Needs ``valgrind`` (Debian:
  ``apt-get install -y valgrind``).

Usage, from the repository root::

    python benchmarks/hotspots.py                         # httpx_views
    python benchmarks/hotspots.py --scenarios nope --routes 1000 --top 25
    python benchmarks/hotspots.py --instructions --contestants httpx_views,falcon
    python benchmarks/hotspots.py --instructions --scenarios hello,middleware
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Sequence

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, ROOT)

from benchmarks import scenarios as sc  # noqa: E402
from benchmarks.run import MIDDLEWARE, RATIO, markdown_table, time_batch  # noqa: E402


def _where(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":  # a built-in
        return name
    parts = filename.replace(os.sep, "/").split("/")
    for anchor in ("site-packages", "lib", ROOT.rsplit(os.sep, 1)[-1]):
        if anchor in parts:
            parts = parts[len(parts) - parts[::-1].index(anchor) :]
            break
    return f"{'/'.join(parts)}:{line} {name}"


def profile(
    app: sc.WSGIApp, scenario: sc.Scenario, count: int, top: int, by: str = "own"
) -> str:
    """Profile *count* requests of *scenario*; return the top functions.

    :param by: ``own`` ranks functions by their own time, ``cum`` by the
        time spent in them and what they call.
    """
    base = scenario.environ()
    expected = sc.check(app, scenario)
    time_batch(app, base, 200, expected)  # warm up
    profiler = cProfile.Profile()
    profiler.enable()
    _, wrong = time_batch(app, base, count, expected)
    profiler.disable()
    if wrong:
        raise sc.WrongAnswer(f"{wrong} answers differ from the first")
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in stats.values())
    rows = []
    column = 2 if by == "own" else 3
    ranked = sorted(stats.items(), key=lambda item: item[1][column], reverse=True)
    for key, (_, calls, own, cumulative, _) in ranked[:top]:
        rows.append(
            [
                _where(key),
                f"{100 * own / total:.1f}%",
                f"{own / count * 1e6:.2f}",
                f"{cumulative / count * 1e6:.2f}",
                f"{calls / count:g}",
            ]
        )
    headers = ["function", "own share", "own µs/req", "cum µs/req", "calls/req"]
    return (
        f"total {total / count * 1e6:.1f} µs/request under the profiler "
        f"(harness loop included: time_batch)\n\n" + markdown_table(headers, rows)
    )


# -- instruction counts ---------------------------------------------------------

# Same hash seed every run; bytecode caches written, as a deployment has them.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
_ENV["PYTHONHASHSEED"] = "0"

_IMPORT_AND_BUILD = """\
import sys
__import__(sys.argv[1])
sys.modules[sys.argv[1]].make_app(int(sys.argv[2]))
"""


def _valgrind() -> str:
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("--instructions needs valgrind: apt-get install -y valgrind")
    return valgrind


def _cachegrind(valgrind: str, *args: str) -> int:
    """Instructions executed by ``python args`` (the whole process)."""
    command = [
        valgrind,
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        *args,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=600, cwd=ROOT, env=_ENV
    )
    match = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode or not match:
        raise RuntimeError(f"valgrind failed:\n{done.stderr[-2000:]}")
    return int(match.group(1).replace(",", ""))


def loop(contestant: str, scenario: str, routes: int, count: int) -> None:
    """Build, check and send *count* requests: what Valgrind counts."""
    warnings.simplefilter("ignore", DeprecationWarning)
    chosen = sc.SCENARIOS[scenario]
    app = sc.build(contestant, chosen, routes)
    expected = sc.check(app, chosen)
    _, wrong = time_batch(app, chosen.environ(), count, expected)
    if wrong:
        raise SystemExit(f"{wrong} answers differ from the first")


def _loop_instructions(
    valgrind: str, contestant: str, scenario: str, routes: int, count: int
) -> int:
    args = [os.path.abspath(__file__), "--loop", contestant, scenario, str(routes)]
    # Untimed first, so that neither counted run compiles any bytecode.
    subprocess.run([sys.executable, *args, "1"], cwd=ROOT, env=_ENV, check=True)
    return _cachegrind(valgrind, *args, str(count))


def count_startup(contestants: Sequence[str], routes: int) -> str:
    """Instructions to import each contestant and build it, start-up excluded."""
    valgrind = _valgrind()
    empty = _cachegrind(valgrind, "-c", "import sys")
    counts = {}
    for name in contestants:
        print(f"  {name} import + build ...", file=sys.stderr, flush=True)
        module = f"benchmarks.apps.{sc.CONTESTANTS[name]}"
        args = ["-c", _IMPORT_AND_BUILD, module, str(routes)]
        subprocess.run([sys.executable, *args], cwd=ROOT, env=_ENV, check=True)
        counts[name] = _cachegrind(valgrind, *args) - empty
    pyramid = counts.get("pyramid")
    rows = [
        [name, f"{count / 1e6:,.1f}", f"{count / pyramid:.2f}" if pyramid else "-"]
        for name, count in counts.items()
    ]
    headers = [f"import + build {routes} routes", "M instructions", "x pyramid"]
    return markdown_table(headers, rows)


def count_instructions(
    contestants: Sequence[str],
    scenarios: Sequence[sc.Scenario],
    routes: int,
    count: int,
) -> str:
    """Instructions per request: a run of *count* requests minus a run of 1.

    With both ``hello`` and ``middleware``, a last row gives their ratio.
    """
    valgrind = _valgrind()
    counts: dict[str, dict[str, float]] = {}
    for scenario in scenarios:
        per_request = counts.setdefault(scenario.name, {})
        for name in contestants:
            print(f"  {name} {scenario.name} ...", file=sys.stderr, flush=True)
            one = _loop_instructions(valgrind, name, scenario.name, routes, 1)
            many = _loop_instructions(valgrind, name, scenario.name, routes, count + 1)
            per_request[name] = (many - one) / count
    rows = [
        [f"{scenario.name}@{routes}" if scenario.scales else scenario.name]
        + [f"{counts[scenario.name][name]:,.0f}" for name in contestants]
        for scenario in scenarios
    ]
    if "hello" in counts and MIDDLEWARE in counts:
        hello, middleware = counts["hello"], counts[MIDDLEWARE]
        ratios = [f"{middleware[name] / hello[name]:.2f}" for name in contestants]
        rows.append([RATIO, *ratios])
    return markdown_table(["instructions/request", *contestants], rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contestants", default="httpx_views")
    parser.add_argument("--scenarios", default=",".join(sc.SCENARIOS))
    parser.add_argument("--routes", type=int, default=0)
    parser.add_argument("--requests", type=int, help="default 20000, or 2000")
    parser.add_argument("--top", type=int, default=15, help="functions shown")
    parser.add_argument(
        "--sort",
        choices=("own", "cum"),
        default="own",
        help="rank by own time or by time including callees (default: %(default)s)",
    )
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument(
        "--startup",
        action="store_true",
        help="with --instructions: count import + build with 100 routes instead",
    )
    parser.add_argument("--loop", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.loop:
        contestant, scenario, routes, count = args.loop
        loop(contestant, scenario, int(routes), int(count))
        return 0
    warnings.simplefilter("ignore", DeprecationWarning)
    contestants = [c for c in args.contestants.split(",") if c]
    scenarios = [sc.SCENARIOS[s] for s in args.scenarios.split(",") if s]
    if args.instructions and args.startup:
        print(count_startup(contestants, 100))
        return 0
    if args.instructions:
        count = args.requests or 2000
        print(count_instructions(contestants, scenarios, args.routes, count))
        return 0
    for name in contestants:
        apps: dict[bool, sc.WSGIApp] = {}  # built once, with middleware or not
        for scenario in scenarios:
            if scenario.middleware not in apps:
                apps[scenario.middleware] = sc.build(name, scenario, args.routes)
            app = apps[scenario.middleware]
            print(f"\n## {name} {scenario.name} ({args.routes} filler routes)\n")
            count = args.requests or 20000
            print(profile(app, scenario, count, args.top, args.sort))
    return 0


if __name__ == "__main__":
    sys.exit(main())
