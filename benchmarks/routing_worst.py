"""Route matching on hostile paths: the time must grow linearly with them.

A pattern whose placeholders share a segment (``/{a}-{b}``, issue #9) made
``re`` backtrack: on a path that almost matches it tried every split of a
long segment, which is quadratic (1.6 s at 16 KB, 21 s at 64 KB). This
script times ``PathPattern.match`` on such paths, hits and misses, at
growing sizes, and prints the median of several runs in milliseconds. With
``--re`` it also times ``re`` alone on the same expression (what matching
was before the fix), up to ``--re-max`` characters and only while a size
takes under a second: the next one, 4 times longer, would take 16 times as
long, or 64.

Usage, from the repository root::

    python -m benchmarks.routing_worst               # a few seconds
    python -m benchmarks.routing_worst --re          # and re alone: ~1 minute
    python -m benchmarks.routing_worst --re --re-max 65536 --only "/{a}-{b}"
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence

from benchmarks.run import markdown_table
from httpx_views.routing import PathPattern

SIZES = (1024, 4096, 16384, 65536)
UUID = "12345678-9abc-def0-1234-56789abcdef0"

#: A pattern, then (what the path is, how to make one of about n characters).
CASES: dict[str, list[tuple[str, Callable[[int], str]]]] = {
    "/files/{stem}.{ext}": [
        ('hit: "." * n', lambda n: "/files/" + "." * n),
        ('miss: "." * n + "/"', lambda n: "/files/" + "." * n + "/"),
    ],
    "/{a}-{b}": [
        ('hit: "-" * n', lambda n: "/" + "-" * n),
        ('miss: "-" * n + "/"', lambda n: "/" + "-" * n + "/"),
    ],
    "/{a:int}{b:int}": [
        ('miss: "1" * n + "x"', lambda n: "/" + "1" * n + "x"),
    ],
    "/{a}{b}{c}": [
        ('hit: "a" * n', lambda n: "/" + "a" * n),
        ('miss: "a" * n + "/"', lambda n: "/" + "a" * n + "/"),
    ],
    "/{a:path}.{b}": [
        ('miss: "." * n + "/"', lambda n: "/" + "." * n + "/"),
    ],
    "/{a:path}/{b:path}/x": [
        ('miss: "/" * n', lambda n: "/" + "/" * n),
    ],
    "/{a}{u:uuid}": [
        ('hit: "a" * n + UUID', lambda n: "/" + "a" * n + UUID),
    ],
    # For scale: patterns re always matched alone, in linear time.
    "/users/{id}": [
        ('miss: "a" * n + "/"', lambda n: "/users/" + "a" * n + "/"),
    ],
    "/{a:path}/{b}/x": [
        ('miss: "/a" * (n / 2)', lambda n: "/" + "/a" * (n // 2)),
    ],
}


def median_ms(match: Callable[[str], object], path: str, runs: int) -> float:
    """The median time of *runs* calls of ``match(path)``, in milliseconds.

    A call that takes over a second is not repeated.
    """
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        match(path)
        times.append(time.perf_counter() - started)
        if times[-1] > 1.0:
            break
    return statistics.median(times) * 1000


def row(
    match: Callable[[str], object], make: Callable[[int], str], limit: int, runs: int
) -> list[str]:
    """The cells of one table row: a median per size, "-" where skipped."""
    cells = []
    for size in SIZES:
        if size > limit:
            cells.append("-")
            continue
        took = median_ms(match, make(size), runs)
        cells.append(f"{took:.2f}")
        if took > 1000:
            limit = size
    return cells


def regex_alone(pattern: PathPattern) -> Callable[[str], object]:
    """Match with the pattern's expression alone, as before issue #9."""
    regex = pattern.regex
    assert regex is not None
    head = "/" + "".join(segment + "/" for segment in pattern.prefix)
    return lambda path: regex.fullmatch(path, len(head))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=7, help="calls per path (default %(default)s)"
    )
    parser.add_argument("--re", action="store_true", help="also time re alone")
    parser.add_argument(
        "--re-max",
        type=int,
        default=16384,
        help="the longest path re alone is timed on (default %(default)s)",
    )
    parser.add_argument("--only", help="one pattern, as written in CASES")
    args = parser.parse_args(argv)
    headers = ["pattern", "path", *(f"{size // 1024} KB" for size in SIZES)]
    rows = []
    for source, paths in CASES.items():
        if args.only and source != args.only:
            continue
        pattern = PathPattern(source)
        matchers: list[tuple[str, Callable[[str], object]]] = [("", pattern.match)]
        if args.re:
            matchers.append((" (re)", regex_alone(pattern)))
        for label, make in paths:
            for suffix, match in matchers:
                limit = args.re_max if suffix else max(SIZES)
                cells = row(match, make, limit, args.runs)
                rows.append([source + suffix, label, *cells])
                print(f"  {source}{suffix}: {label}", file=sys.stderr, flush=True)
    print("Median milliseconds to match one path of n characters:\n")
    print(markdown_table(headers, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
