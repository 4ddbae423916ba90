"""Mutation testing: each module of the package against its own tests.

On Python 3.11 or newer (tomllib):

    python -m pip install -e '.[mutation]'
    python tests/mutation/run.py                 # every module (or: nox -s mutation)
    python tests/mutation/run.py routing.py      # one
    python tests/mutation/run.py --report        # the table of the last run
    python tests/mutation/run.py --survivors routing.py  # after adding tests

For each module in ``modules.toml`` this copies the project into
``build/mutation/<module>/``, adds a ``[tool.mutmut]`` table that mutates that
module only and selects its own test files, and runs mutmut there. Then it
prints, per module, the mutants killed, those that survived, and the score:
killed over all mutants but the equivalent ones listed in
``equivalent.toml``. It exits with status 1 when a module scores below the
floor, or when ``equivalent.toml`` names a mutant that no longer survives.

Each mutant runs in a process forked from mutmut's fork server, never from a
process where the unmutated code already ran: the framework's caches (pages,
negotiation, compiled routes) would otherwise answer with what the original
code computed, and hide the mutant.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WORK = ROOT / "build" / "mutation"
# What the tests read besides the package and themselves.
COPIED = ["httpx_views", "tests", "examples", "benchmarks", "README.rst", "CHANGES.rst"]
KILLED = {"killed", "timeout", "caught by type check"}
# mutmut's exit codes of a mutant's test run (mutmut.stats.status_by_exit_code).
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests"}
STATUS |= {34: "skipped", 36: "timeout", 24: "timeout", -24: "timeout"}
STATUS |= {152: "timeout", 37: "caught by type check"}
# mutmut counts 255 as a timeout, but its fork server gives 255 when it could
# not run the tests at all (pytest refused the arguments): not a kill.
STATUS |= {255: "not run"}


@dataclass
class Score:
    module: str
    killed: int = 0
    equivalent: int = 0
    survivors: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        counted = self.killed + len(self.survivors)
        return 100.0 if counted == 0 else 100.0 * self.killed / counted


def main(argv: list[str] | None = None) -> int:
    config = tomllib.loads((HERE / "modules.toml").read_text("utf-8"))
    modules: dict[str, list[str]] = config["modules"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", nargs="*", help="modules.toml's names (all)")
    parser.add_argument("--report", action="store_true", help="do not run: report")
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="copy the tests again and re-run only the last run's survivors",
    )
    parser.add_argument("--max-children", type=int, help="mutmut's (CPU count)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.module) - set(modules))
    if unknown:
        parser.error(f"not in modules.toml: {', '.join(unknown)}")
    equivalent = tomllib.loads((HERE / "equivalent.toml").read_text("utf-8"))
    reasons: dict[str, str] = equivalent.get("equivalent", {})

    scores = []
    for module in args.module or sorted(modules):
        folder = WORK / Path(module).stem
        if args.survivors:
            rerun(module, folder, reasons, args.max_children)
        elif not args.report:
            mutate(module, modules[module], folder, args.max_children)
        scores.append(score(module, folder, reasons))
    return report(scores, float(config["floor"]))


def mutate(module: str, tests: list[str], folder: Path, children: int | None) -> None:
    """Run mutmut on one module, its own tests selected, in a fresh copy."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis", "build")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=ignore)
        else:
            shutil.copy2(source, folder / name)
    table = {
        "source_paths": ["httpx_views"],
        "only_mutate": [f"httpx_views/{module}"],
        "also_copy": [name for name in COPIED if name not in ("httpx_views", "tests")],
        "pytest_add_cli_args": ["-p", "no:cacheprovider"],
        "pytest_add_cli_args_test_selection": tests,
        "process_isolation": "forkserver",
        "use_git_change_detection": False,
    }
    lines = ["", "[tool.mutmut]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    pyproject = (ROOT / "pyproject.toml").read_text("utf-8")
    (folder / "pyproject.toml").write_text(pyproject + "\n".join(lines) + "\n")
    command = [sys.executable, "-m", "mutmut", "run"]
    if children:
        command += ["--max-children", str(children)]
    print(f"== mutmut: {module} against {' '.join(tests)}", flush=True)
    run_mutmut(command, folder)


def rerun(
    module: str, folder: Path, reasons: dict[str, str], children: int | None
) -> None:
    """Run the last run's survivors of one module again, against new tests."""
    survivors = [line.split()[0] for line in score(module, folder, reasons).survivors]
    if not survivors:
        return
    shutil.rmtree(folder / "tests")
    ignore = shutil.ignore_patterns("__pycache__", ".hypothesis")
    shutil.copytree(ROOT / "tests", folder / "tests", ignore=ignore)
    command = [sys.executable, "-m", "mutmut", "run", *survivors]
    if children:
        command += ["--max-children", str(children)]
    print(f"== mutmut: {len(survivors)} survivors of {module}", flush=True)
    run_mutmut(command, folder)


def run_mutmut(command: list[str], folder: Path) -> None:
    """Run mutmut in *folder*; stop here, in one line, if it fails."""
    status = subprocess.run(command, cwd=folder).returncode
    if status:
        sys.exit(f"mutmut failed (exit {status}) in {folder}; its output is above")


def score(module: str, folder: Path, reasons: dict[str, str]) -> Score:
    """Count the mutants of one module's last run, equivalent ones aside."""
    meta = folder / "mutants" / "httpx_views" / f"{module}.meta"
    if not meta.exists():
        sys.exit(f"{module}: no results in {meta.parent}; run without --report")
    codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    result = Score(module)
    prefix = f"httpx_views.{Path(module).stem}."
    for name, code in sorted(codes.items()):
        status = STATUS.get(code, "suspicious" if code is not None else "not run")
        if status in KILLED:
            result.killed += 1
            if name in reasons:
                result.stale.append(name)
        elif name in reasons:
            result.equivalent += 1
        else:
            result.survivors.append(f"{name}  ({status})")
    listed = {name for name in reasons if name.startswith(prefix)}
    result.stale += sorted(listed - set(codes))
    return result


def report(scores: list[Score], floor: float) -> int:
    failed = False
    for result in scores:
        for line in result.survivors:
            print(f"survived: {line}")
        for name in result.stale:
            print(f"equivalent.toml: {name} is killed or gone; remove it")
            failed = True
        if any(line.endswith("(not run)") for line in result.survivors):
            print(
                f"{result.module}: mutmut could not run the tests of some mutants;"
                f" run them again: --survivors {result.module}"
            )
    header = ("module", "killed", "survived", "equivalent", "score")
    print("\n{:<20} {:>7} {:>9} {:>11} {:>7}".format(*header))
    for result in scores:
        below = result.percent < floor
        failed = failed or below
        print(
            f"{result.module:<20} {result.killed:>7} {len(result.survivors):>9}"
            f" {result.equivalent:>11} {result.percent:>6.1f}%" + ("  < floor" * below)
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
