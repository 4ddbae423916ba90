"""``.. benchmark-table:: ../benchmarks/results.json``: a run's medians.

The table is made from the results file when the manual is built, so it
always shows the run the chart (``benchmarks/chart.py``) draws from that
same file: one row per scenario, the median µs of each contestant, and
httpx_views' median over Falcon's and over WebOb alone's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

OURS = "httpx_views"
RATIOS = ("falcon", "webob")  # the peers httpx_views' median is divided by


def figure(value: float | None) -> str:
    """Three significant figures, as the benchmark's own tables print them."""
    if value is None:
        return "failed"
    return f"{value:.3g}" if value < 1000 else f"{value:,.0f}"


def table_rows(results: dict[str, Any]) -> list[list[str]]:
    """The header and one row per scenario of a ``run.py --json`` file."""
    contestants = results["contestants"]
    medians = {
        (cell["row"], cell["contestant"]): cell["median_us"]
        for cell in results["cells"]
    }
    rows = [["scenario", *contestants, *(f"x {peer}" for peer in RATIOS)]]
    for row in results["rows"]:
        ours = medians.get((row, OURS))
        ratios = []
        for peer in RATIOS:
            theirs = medians.get((row, peer))
            ratios.append(f"{ours / theirs:.2f}" if ours and theirs else "")
        cells = [figure(medians.get((row, name))) for name in contestants]
        rows.append([row.replace("@", "\\@"), *cells, *ratios])
    return rows


def simple_table(rows: list[list[str]]) -> list[str]:
    """*rows* as a reStructuredText simple table, the first row the header."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    rule = "  ".join("=" * width for width in widths)
    lines = [rule]
    for index, row in enumerate(rows):
        lines.append(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        )
        if index == 0:
            lines.append(rule)
    return [*lines, rule]


class BenchmarkTable(SphinxDirective):
    required_arguments = 1  # the results file, relative to this page

    def run(self) -> list[nodes.Node]:
        _, path = self.env.relfn2path(self.arguments[0], self.env.docname)
        self.env.note_dependency(path)
        results = json.loads(Path(path).read_text(encoding="utf-8"))
        container = nodes.container()
        lines = StringList(simple_table(table_rows(results)), source=path)
        self.state.nested_parse(lines, self.content_offset, container)
        return container.children


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("benchmark-table", BenchmarkTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
