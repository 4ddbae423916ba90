"""Draw a ``run.py --json`` file as an SVG bar chart, the peers side by side.

One horizontal bar per contestant and scenario, grouped by scenario, on a
logarithmic axis of microseconds per request (the fastest and slowest
contestants differ a hundredfold); httpx_views in a strong colour, the
peers in pale ones. A bar is a median, its whisker the interquartile range
when the run had enough rounds for one. The caption says where and how the
numbers were measured, from the file.

The same file gives the same bytes (with the same matplotlib): the SVG has
no date and its element ids come from a fixed salt, so a regenerated chart
only shows up in a diff when the numbers changed.

Usage, from the repository root::

    python benchmarks/chart.py            # results.json -> docs/_static/benchmarks.svg
    python benchmarks/chart.py run.json -o run.svg
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import matplotlib

matplotlib.use("Agg")  # no display, and the same output wherever it runs

from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RESULTS = ROOT / "benchmarks" / "results.json"
DEFAULT_CHART = ROOT / "docs" / "_static" / "benchmarks.svg"

OURS = "httpx_views"
OURS_COLOUR = "#d95f02"
#: The peers' colours, in contestant order: pale, so ours stands out.
PEER_COLOURS = (
    "#c8c8c8",
    "#a6cee3",
    "#b2df8a",
    "#cab2d6",
    "#fbb4c4",
    "#e5d8bd",
    "#8dd3c7",
)

#: Heights in inches: one bar, the space between two scenarios, the space
#: between two groups, and the margins above (title, legend) and below (axis).
BAR = 0.085
SCENARIO_GAP = 0.12
GROUP_GAP = 0.3
TOP = 1.45
BOTTOM = 0.55
WIDTH = 8.0
LEFT, RIGHT = 1.05, 0.25


class BadResults(Exception):
    """The results file cannot be read or is not what ``run.py`` writes."""


@dataclass
class Chart:
    """What the chart shows, read from a results file."""

    contestants: list[str]
    #: Table rows (``hello``, ``nope@1000``) in order, each with its group.
    rows: list[tuple[str, str]]
    #: Median µs per request by (row, contestant); None for a failed cell.
    medians: dict[tuple[str, str], float | None]
    #: First and third quartiles by (row, contestant), where the run had them.
    quartiles: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    title: str = ""
    caption: list[str] = field(default_factory=list)


def _require(condition: bool, path: Path, what: str) -> None:
    if not condition:
        raise BadResults(f"{path}: {what}")


def _number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def load(path: Path) -> Chart:
    """Read the results file *path*; raise :class:`BadResults` if unusable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BadResults(f"cannot read {path}: {reason}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadResults(f"{path} is not JSON: {exc}") from None
    _require(isinstance(data, dict), path, "not a run.py --json file (no object)")
    contestants = data.get("contestants")
    _require(
        isinstance(contestants, list)
        and bool(contestants)
        and all(isinstance(name, str) for name in contestants),
        path,
        '"contestants" is not a list of names',
    )
    cells = data.get("cells")
    _require(isinstance(cells, list), path, '"cells" is not a list')
    medians: dict[tuple[str, str], float | None] = {}
    quartiles: dict[tuple[str, str], tuple[float, float]] = {}
    groups: dict[str, str] = {}
    for number, cell in enumerate(cells):
        where = f"cell {number}"
        _require(isinstance(cell, dict), path, f"{where} is not an object")
        for name in ("contestant", "row", "group"):
            _require(
                isinstance(cell.get(name), str), path, f'{where} has no "{name}" name'
            )
        median = cell.get("median_us")
        _require(
            median is None or _number(median),
            path,
            f'{where} has a "median_us" that is not a positive number',
        )
        key = (cell["row"], cell["contestant"])
        medians[key] = None if cell.get("error") else median
        spread = cell.get("quartiles_us")
        if isinstance(spread, list) and len(spread) == 2 and all(map(_number, spread)):
            quartiles[key] = (spread[0], spread[1])
        groups.setdefault(cell["row"], cell["group"])
    _require(
        any(value is not None for value in medians.values()),
        path,
        "no timed cells (was it a --startup-only run?)",
    )
    order = data.get("rows")
    if not (isinstance(order, list) and set(order) == set(groups)):
        order = list(groups)  # first appearance, as the cells were planned
    rows = [(row, groups[row]) for row in order]
    shown = [name for name in contestants if any(k[1] == name for k in medians)]
    title, caption = _describe(data)
    return Chart(shown, rows, medians, quartiles, title, caption)


def _describe(data: dict[str, Any]) -> tuple[str, list[str]]:
    """The chart's title and caption lines, from the run's own description."""
    method = data.get("method")
    environment = data.get("environment")
    rounds = method.get("rounds") if isinstance(method, dict) else None
    title = "Microseconds per request, in-process (lower is faster)"
    if rounds:
        title = f"Median µs per request over {rounds} rounds, in-process"
        title += " (lower is faster)"
    caption = []
    if isinstance(environment, dict):
        machine = " ".join(
            str(environment[key])
            for key in ("implementation", "python", "system", "machine")
            if environment.get(key)
        )
        if environment.get("cpus"):
            machine += f", {environment['cpus']} CPUs"
        load = environment.get("load_average")
        if isinstance(load, list) and len(load) == 2:
            machine += f" (load {load[0]} -> {load[1]})"
        if environment.get("date"):
            machine += f"; run of {str(environment['date'])[:10]}"
        caption.append(machine)
        versions = environment.get("versions")
        if isinstance(versions, dict) and versions:
            caption.append(", ".join(f"{k} {v}" for k, v in versions.items()))
    elif isinstance(data.get("about"), str):
        caption.append(data["about"].splitlines()[0])
    overhead = data.get("harness_overhead_us")
    if _number(overhead):
        caption.append(
            f"Bars: medians; whiskers: interquartile range. The harness's own "
            f"{overhead:.2f} µs is included in every bar."
        )
    return title, caption


def value_label(microseconds: float) -> str:
    """How a median is written beside its bar: one decimal below 100 µs."""
    return f"{microseconds:.1f}" if microseconds < 99.95 else f"{microseconds:.0f}"


def colours(contestants: Sequence[str]) -> dict[str, str]:
    """Each contestant's colour: ours strong, the peers pale, in order."""
    peers = iter(PEER_COLOURS * (1 + len(contestants) // len(PEER_COLOURS)))
    return {name: OURS_COLOUR if name == OURS else next(peers) for name in contestants}


def draw(chart: Chart) -> Figure:
    """The figure: one panel per group of scenarios, bars side by side."""
    groups = list(dict.fromkeys(group for _, group in chart.rows))
    count = len(chart.contestants)
    row_height = count * BAR + SCENARIO_GAP
    heights = [sum(row_height for _, g in chart.rows if g == group) for group in groups]
    height = TOP + BOTTOM + sum(heights) + GROUP_GAP * (len(groups) - 1)
    figure = Figure(figsize=(WIDTH, height))
    grid = figure.add_gridspec(
        len(groups),
        1,
        height_ratios=heights,
        left=LEFT / WIDTH,
        right=1 - RIGHT / WIDTH,
        top=1 - TOP / height,
        bottom=BOTTOM / height,
        hspace=GROUP_GAP / (sum(heights) / len(groups)),
    )
    timed = [value for value in chart.medians.values() if value is not None]
    spread = [high for _, high in chart.quartiles.values()]
    low = 10 ** math.floor(math.log10(min(timed) * 0.9))
    high = max([*timed, *spread]) * 1.6  # room for our bars' labels
    palette = colours(chart.contestants)
    axes_list = []
    for index, group in enumerate(groups):
        axes = figure.add_subplot(grid[index])
        axes_list.append(axes)
        rows = [row for row, g in chart.rows if g == group]
        _draw_group(axes, chart, rows, palette, low)
        axes.set_xscale("log")
        axes.set_xlim(low, high)
        axes.set_ylim(len(rows) * (count + SCENARIO_GAP / BAR) - 0.5, -0.5)
        axes.set_title(group, loc="left", fontsize=9, fontweight="bold")
        axes.xaxis.set_major_locator(LogLocator(base=10))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
        axes.xaxis.set_minor_formatter(NullFormatter())
        axes.grid(axis="x", which="major", color="#dddddd", linewidth=0.6)
        axes.grid(axis="x", which="minor", color="#f0f0f0", linewidth=0.4)
        axes.set_axisbelow(True)
        axes.tick_params(axis="y", length=0)
        if index < len(groups) - 1:  # one scale, under the last panel
            axes.tick_params(axis="x", which="both", labelbottom=False)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    axes_list[-1].set_xlabel("µs per request (log scale)")
    figure.suptitle(chart.title, x=LEFT / WIDTH, ha="left", fontsize=11, y=0.995)
    figure.text(
        LEFT / WIDTH,
        1 - 0.40 / height,
        "\n".join(chart.caption),
        ha="left",
        va="top",
        fontsize=7,
        color="#444444",
    )
    handles = [
        Patch(
            facecolor=palette[name],
            edgecolor="black" if name == OURS else "none",
            label=name,
        )
        for name in chart.contestants
    ]
    figure.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(LEFT / WIDTH, 1 - (TOP - 0.3) / height),
        ncol=len(handles),
        frameon=False,
        fontsize=8,
        handlelength=1.2,
        columnspacing=1.0,
    )
    return figure


def _draw_group(
    axes: Any,
    chart: Chart,
    rows: Sequence[str],
    palette: dict[str, str],
    low: float,
) -> None:
    """One group's bars; rows top to bottom, contestants in order."""
    count = len(chart.contestants)
    step = count + SCENARIO_GAP / BAR
    centres = []
    for index, row in enumerate(rows):
        top = index * step
        centres.append(top + (count - 1) / 2)
        for offset, name in enumerate(chart.contestants):
            y = top + offset
            key = (row, name)
            median = chart.medians.get(key)
            ours = name == OURS
            if median is None:
                label = "failed" if key in chart.medians else "not run"
                axes.text(low * 1.1, y, label, va="center", fontsize=6, color="#888")
                continue
            axes.barh(
                y,
                median - low,
                left=low,
                height=0.85,
                color=palette[name],
                edgecolor="black" if ours else "none",
                linewidth=0.5,
            )
            end = median
            if key in chart.quartiles:
                first, third = chart.quartiles[key]
                axes.plot([first, third], [y, y], color="#333333", linewidth=0.6)
                end = max(end, third)
            if ours:
                axes.text(
                    end * 1.12,
                    y,
                    value_label(median),
                    va="center",
                    fontsize=6.5,
                    fontweight="bold",
                    color=OURS_COLOUR,
                )
    axes.set_yticks(centres, list(rows))


def write_svg(chart: Chart, out: Path) -> None:
    """Draw *chart* into the SVG file *out*, the same bytes for the same chart."""
    # The same bytes every time: ids from a fixed salt (the date is left out
    # below); text kept as text, which is also searchable and small.
    with matplotlib.rc_context(
        {
            "svg.hashsalt": "httpx_views benchmarks",
            "svg.fonttype": "none",
            "font.family": "DejaVu Sans",
            "font.size": 8.0,
        }
    ):
        figure = draw(chart)
        out.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(out, format="svg", metadata={"Date": None})


class _Parser(argparse.ArgumentParser):
    """Reports a bad command line in one line, as the other errors are."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = _Parser(
        prog="chart.py",
        description=__doc__.split("\n\n")[0],
        epilog="benchmarks/README.md describes the results file.",
    )
    parser.add_argument(
        "results",
        nargs="?",
        type=Path,
        default=DEFAULT_RESULTS,
        help="a file written by run.py --json (default: benchmarks/results.json)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=DEFAULT_CHART,
        help="the SVG file to write (default: docs/_static/benchmarks.svg)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        chart = load(args.results)
    except BadResults as exc:
        print(f"chart.py: error: {exc}", file=sys.stderr)
        return 2
    out: Path = args.output
    try:
        write_svg(chart, out)
    except OSError as exc:
        print(f"chart.py: error: cannot write {out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
