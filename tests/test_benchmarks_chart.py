"""``benchmarks/chart.py`` draws a results file as a deterministic SVG."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from benchmarks import chart

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "chart.py"

#: (row, group, {contestant: median µs}) of a small run.
MEDIANS = [
    ("hello", "plain", {"bare": 1.15, "httpx_views": 4.87, "falcon": 8.95}),
    ("nope@0", "plain", {"bare": 2.15, "httpx_views": 24.2, "falcon": 15.0}),
    ("nope@1000", "plain", {"bare": 2.19, "httpx_views": 24.4, "falcon": 53.5}),
    ("json_in", "realistic", {"bare": 14.2, "httpx_views": 38.0, "falcon": 36.1}),
    ("middleware", "middleware", {"bare": 1.42, "httpx_views": 7.83, "falcon": 11.5}),
]


def _results(**changes: Any) -> dict[str, Any]:
    """A results file's content, as run.py --json writes it, made smaller."""
    cells = [
        {
            "contestant": name,
            "scenario": row.split("@")[0],
            "group": group,
            "row": row,
            "median_us": median,
            "quartiles_us": [median * 0.95, median * 1.1],
            "error": None,
        }
        for row, group, medians in MEDIANS
        for name, median in medians.items()
    ]
    data: dict[str, Any] = {
        "environment": {
            "date": "2026-11-27T19:41:15+00:00",
            "python": "3.11.7",
            "implementation": "CPython",
            "system": "Linux",
            "machine": "x86_64",
            "cpus": 2,
            "load_average": [0.5, 1.2],
            "versions": {"httpx_views": "0.1.0", "falcon": "4.4.0"},
        },
        "method": {"rounds": 11, "batch_ms": 30.0},
        "contestants": ["bare", "httpx_views", "falcon"],
        "rows": [row for row, _, _ in MEDIANS],
        "harness_overhead_us": 0.97,
        "cells": cells,
    }
    data.update(changes)
    return data


def _write(tmp_path: Path, data: Any, name: str = "results.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _texts(svg: Path) -> list[str]:
    """Every piece of text the SVG shows, in document order."""
    root = ET.parse(svg).getroot()
    return [
        "".join(element.itertext()).strip()
        for element in root.iter("{http://www.w3.org/2000/svg}text")
    ]


def _draw(tmp_path: Path, data: Any, name: str = "chart.svg") -> Path:
    out = tmp_path / name
    assert chart.main([str(_write(tmp_path, data)), "-o", str(out)]) == 0
    return out


def test_chart_names_every_scenario_and_contestant(tmp_path: Path) -> None:
    texts = _texts(_draw(tmp_path, _results()))
    for row, group, _ in MEDIANS:
        assert row in texts
        assert group in texts
    for name in ("bare", "httpx_views", "falcon"):
        assert name in texts
    # Rows appear top to bottom in the file's order (the middleware group's
    # title and its one row share a name).
    rows = [text for text in texts if text in {row for row, _, _ in MEDIANS}]
    assert list(dict.fromkeys(rows)) == [row for row, _, _ in MEDIANS]
    # Our bars carry their medians; the caption says where it ran.
    labels = [text for text in texts if text[:1].isdigit() and "." in text]
    assert labels == ["4.9", "24.2", "24.4", "38.0", "7.8"]
    caption = "\n".join(texts)
    assert "Median µs per request over 11 rounds" in caption
    assert "CPython 3.11.7 Linux x86_64, 2 CPUs" in caption
    assert "run of 2026-11-27" in caption
    assert "harness's own 0.97 µs" in caption


def test_chart_marks_a_failed_cell(tmp_path: Path) -> None:
    data = _results()
    data["cells"][0].update(median_us=None, error="WrongAnswer: 500")
    texts = _texts(_draw(tmp_path, data))
    assert texts.count("failed") == 1


def test_chart_is_the_same_bytes_for_the_same_results(tmp_path: Path) -> None:
    first = _draw(tmp_path, _results(), "first.svg").read_bytes()
    second = _draw(tmp_path, _results(), "second.svg").read_bytes()
    assert first == second
    assert b"<dc:date>" not in first
    data = _results()
    data["cells"][1]["median_us"] = 5.0
    assert _draw(tmp_path, data, "changed.svg").read_bytes() != first


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(SCRIPT), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=60)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "cannot read"),
        ('{"cells": [', "is not JSON"),
        ("[1, 2]", "no object"),
        (json.dumps(_results(contestants="bare")), '"contestants"'),
        (json.dumps(_results(cells={})), '"cells" is not a list'),
        (json.dumps(_results(cells=[{"row": "hello"}])), '"contestant"'),
        (
            json.dumps(
                _results(
                    cells=[
                        {
                            "contestant": "bare",
                            "row": "hello",
                            "group": "plain",
                            "median_us": "fast",
                        }
                    ]
                )
            ),
            '"median_us"',
        ),
        (json.dumps(_results(cells=[])), "no timed cells"),
    ],
)
def test_chart_refuses_a_bad_results_file(
    tmp_path: Path, content: str | None, says: str
) -> None:
    results = tmp_path / "results.json"
    if content is not None:
        results.write_text(content, encoding="utf-8")
    out = tmp_path / "chart.svg"
    done = _run(str(results), "-o", str(out))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("chart.py: error: ")
    assert says in done.stderr
    assert done.stdout == ""
    assert not out.exists()


def test_chart_refuses_a_bad_command_line(tmp_path: Path) -> None:
    done = _run("--colour", "red")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "unrecognized arguments: --colour" in done.stderr


def test_chart_script_writes_where_it_is_told(tmp_path: Path) -> None:
    results = _write(tmp_path, _results())
    done = _run(str(results.name), "-o", "out/chart.svg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "wrote out/chart.svg\n"
    assert "middleware" in _texts(tmp_path / "out" / "chart.svg")


def test_chart_committed_picture_shows_the_committed_results() -> None:
    """The SVG in the docs was drawn from benchmarks/results.json."""
    data = json.loads((ROOT / "benchmarks" / "results.json").read_text("utf-8"))
    texts = _texts(ROOT / "docs" / "_static" / "benchmarks.svg")
    assert set(data["rows"]) <= set(texts)
    assert set(data["contestants"]) <= set(texts)
    ours = [
        chart.value_label(cell["median_us"])
        for cell in data["cells"]
        if cell["contestant"] == "httpx_views"
    ]
    assert ours and all(label in texts for label in ours)
    assert f"run of {data['environment']['date'][:10]}" in "\n".join(texts)
