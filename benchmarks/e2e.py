"""End to end: each contestant under Waitress, loaded by ``wrk`` on loopback.

Every contestant runs in a server process of its own (Waitress, 4 worker
threads, 127.0.0.1, a port the system picks). Each server first answers one
real request per scenario, checked like the in-process answers, and is
warmed up; then ``wrk`` drives it for ``--duration`` seconds per scenario,
contestants in a fresh random order each round. Reported per scenario: the
median requests per second over rounds, the ratio to the hand-written
``bare`` callable under the same server, and the server's own CPU time per
request. ``wrk``'s count of non-2xx answers must match the scenario (all of
them for ``buy``), so a server answering errors cannot look fast.

Every load is bounded in time and goes to 127.0.0.1 only; the servers are
stopped by their PID at the end, also on errors and Ctrl-C.

Needs ``wrk`` (Debian: ``apt-get install -y wrk``). Usage, from the
repository root::

    python benchmarks/e2e.py                       # hello and buy, ~1.5 min
    python benchmarks/e2e.py --contestants bare,httpx_views --duration 2
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, ROOT)

from benchmarks import scenarios as sc  # noqa: E402
from benchmarks.run import markdown_table  # noqa: E402

BASELINE, OURS = "bare", "httpx_views"
#: The issue's goal: at least this share of the bare callable's throughput.
GOAL = 0.90
#: What wrk and the checking client send besides Host (as in-process).
CLIENT_HEADERS = {
    "Accept": "*/*",
    "Accept-Encoding": "gzip, deflate",
    "User-Agent": "python-httpx/0.28.1",
}


def serve(contestant: str, threads: int) -> None:
    """Serve *contestant* on 127.0.0.1; print the port, run until killed."""
    import waitress

    warnings.simplefilter("ignore", DeprecationWarning)
    app = sc.load(contestant).make_app()
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads)
    print(server.effective_port, flush=True)
    server.run()


class Server:
    """A contestant served in a child process, known by its PID."""

    def __init__(self, contestant: str, threads: int, log_dir: str) -> None:
        self.contestant = contestant
        self.log_path = os.path.join(log_dir, f"{contestant}.log")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    os.path.abspath(__file__),
                    "--serve",
                    contestant,
                    "--threads",
                    str(threads),
                ],
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=ROOT,
            )
        self.port = 0

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Read the port the child listens on."""
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else b""
        if not line.strip().isdigit():
            raise RuntimeError(
                f"{self.contestant}: server did not start (see {self.log_path})"
            )
        self.port = int(line)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> sc.Answer:
        """One real request, answered as the checks expect it."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=CLIENT_HEADERS)
            response = connection.getresponse()
            status = f"{response.status} {response.reason}"
            return sc.Answer(status, response.getheaders(), response.read())
        finally:
            connection.close()

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server so far (Linux /proc)."""
        try:
            with open(f"/proc/{self.process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """Stop this PID (and only it): TERM, then KILL if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()


def run_wrk(wrk: str, url: str, seconds: int, connections: int) -> dict[str, float]:
    """Load *url* for *seconds* with one wrk thread; return its numbers."""
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "2s"]
    for name, value in CLIENT_HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 20
    ).stdout

    def number(pattern: str) -> float:
        match = re.search(pattern, out)
        return float(match.group(1)) if match else 0.0

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+)", out)
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": number(r"(\d+) requests in"),
        "non_2xx": number(r"Non-2xx or 3xx responses: (\d+)"),
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contestants", default="bare,webob,httpx_views,falcon")
    parser.add_argument("--scenarios", default="hello,buy")
    parser.add_argument("--duration", type=int, default=3, help="seconds per load")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="Waitress threads")
    parser.add_argument("--wrk", default=shutil.which("wrk"), help="wrk's path")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--json", metavar="FILE", help="also write every run")
    parser.add_argument("--serve", metavar="CONTESTANT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.threads)
        return 0
    if not args.wrk:
        print(
            "e2e.py needs wrk, which is not installed. On Debian or Ubuntu: "
            "apt-get install -y wrk (or pass --wrk /path/to/wrk).",
            file=sys.stderr,
        )
        return 2
    contestants = [c for c in args.contestants.split(",") if c]
    for name in contestants:
        sc.load(name)  # fail early on a typo
    scenarios = [sc.SCENARIOS[name] for name in args.scenarios.split(",") if name]

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    log_dir = tempfile.mkdtemp(prefix="httpx-views-e2e-")
    servers: list[Server] = []
    runs: dict[tuple[str, str], list[dict[str, float]]] = {}
    errors: list[str] = []
    try:
        servers = [Server(name, args.threads, log_dir) for name in contestants]
        for server in servers:
            server.wait_ready()
            for scenario in scenarios:
                scenario.verify(server.get(scenario.path))
                run_wrk(args.wrk, server.url(scenario.path), 1, args.connections)
        log(f"servers ready and checked (logs in {log_dir})")
        shuffle = random.Random(args.seed).shuffle
        for number in range(1, args.rounds + 1):
            for scenario in scenarios:
                order = list(servers)
                shuffle(order)
                for server in order:
                    cpu = server.cpu_seconds()
                    result = run_wrk(
                        args.wrk,
                        server.url(scenario.path),
                        args.duration,
                        args.connections,
                    )
                    used = server.cpu_seconds() - cpu
                    result["cpu_us"] = used / max(result["requests"], 1) * 1e6
                    wanted = result["requests"] if scenario.status >= 400 else 0
                    if (
                        not result["requests"]
                        or result["non_2xx"] != wanted
                        or result["socket_errors"]
                    ):
                        errors.append(f"{server.contestant} {scenario.name}: {result}")
                    runs.setdefault((scenario.name, server.contestant), []).append(
                        result
                    )
                    log(
                        f"  round {number} {scenario.name:<8} "
                        f"{server.contestant:<12} {result['rps']:>9.0f} req/s"
                    )
    finally:
        for server in servers:
            server.stop()
    elapsed = time.perf_counter() - started
    print(report(runs, scenarios, contestants, args, elapsed))
    if errors:
        print("\nFAILED:\n" + "\n".join(f"- {e}" for e in errors))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as file:
            data = [
                {"scenario": s, "contestant": c, "runs": r}
                for (s, c), r in runs.items()
            ]
            json.dump(data, file, indent=1)
    return 1 if errors else 0


def report(
    runs: dict[tuple[str, str], list[dict[str, float]]],
    scenarios: Sequence[sc.Scenario],
    contestants: Sequence[str],
    args: Any,
    elapsed: float,
) -> str:
    def median(scenario: str, contestant: str, key: str) -> float:
        values = [r[key] for r in runs.get((scenario, contestant), [])]
        return statistics.median(values) if values else float("nan")

    rows = []
    goals = []
    for scenario in scenarios:
        base = median(scenario.name, BASELINE, "rps")
        for name in contestants:
            rps = median(scenario.name, name, "rps")
            rows.append(
                [
                    f"{scenario.name} {name}",
                    f"{rps:,.0f}",
                    f"{rps / base:.2f}",
                    f"{median(scenario.name, name, 'cpu_us'):.0f}",
                ]
            )
            if name == OURS and base == base:
                goals.append((scenario.name, rps / base))
    lines = [
        f"Waitress, {args.threads} threads; wrk -t1 -c{args.connections} "
        f"-d{args.duration}s; median of {args.rounds} rounds; "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"{elapsed:.0f} s in all",
        "",
        markdown_table(
            ["scenario contestant", "req/s", f"x {BASELINE}", "server CPU µs/req"],
            rows,
        ),
    ]
    if goals:
        lines.append("")
        for name, share in goals:
            mark = "x" if share >= GOAL else " "
            lines.append(
                f"- [{mark}] {OURS} {name}: {share:.0%} of {BASELINE}'s throughput "
                f"(goal >= {GOAL:.0%})"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
