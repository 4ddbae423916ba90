"""End to end: each contestant under real servers, loaded by ``wrk`` on loopback.

Every contestant runs in a process of its own under each server asked for
(``--servers``): Waitress (pure Python, threads), Gunicorn (a sync worker,
or a gthread worker with threads) and Granian (Rust I/O, Python threads),
each with one worker process on 127.0.0.1. Each server first answers one
real request per scenario, checked like the in-process answers, and is
warmed up; then ``wrk`` drives it for ``--duration`` seconds per scenario
and per number of concurrent connections (``--connections``), contestants
and servers in a fresh random order each round. Reported: the median
requests per second over rounds, the ratio to the hand-written ``bare``
callable under the same server and connections, and the CPU time the
server's processes (master and worker) spent per request. ``wrk``'s count
of non-2xx answers must match the scenario (all of them for ``buy``), so a
server answering errors cannot look fast.

Every load is bounded in time and goes to 127.0.0.1 only; each server runs
in a process group of its own and is stopped by that group's id at the
end, also on errors, Ctrl-C and SIGTERM.

A server is named ``KIND`` or ``KIND:THREADS``: ``waitress:4`` is Waitress
with 4 threads, ``gunicorn-gthread:4`` Gunicorn's gthread worker with 4
threads, ``granian:1`` Granian with 1 blocking thread (the Python threads
that call the app), ``gunicorn-sync`` Gunicorn's one-request-at-a-time
worker.

Needs ``wrk`` (Debian: ``apt-get install -y wrk``), Gunicorn and Granian
(``pip install -e '.[test]'``). Usage, from the repository root::

    python benchmarks/e2e.py                       # ~3 min
    python benchmarks/e2e.py --servers waitress:1,waitress:4 --connections 4
    python benchmarks/e2e.py --contestants bare,httpx_views,falcon --rounds 5
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
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
#: Server kind -> its thread count when the name gives none.
DEFAULT_THREADS = {
    "waitress": 4,
    "gunicorn-sync": 1,
    "gunicorn-gthread": 4,
    "granian": 1,
}
#: The line a server logs once it listens; group 1 is the port.
LISTENING = re.compile(r"(?:Serving on|Listening at:) http://127\.0\.0\.1:(\d+)")


def serve_waitress(contestant: str, threads: int) -> None:
    """Serve *contestant* with Waitress on 127.0.0.1; run until killed."""
    import waitress

    warnings.simplefilter("ignore", DeprecationWarning)
    app = sc.load(contestant).make_app()
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=threads)
    print(f"Serving on http://127.0.0.1:{server.effective_port}", flush=True)
    server.run()


def hold_port() -> socket.socket:
    """A socket keeping a free 127.0.0.1 port from everyone but Granian.

    Granian cannot be given port 0: on Linux each worker binds the address
    itself (so several workers would each get another port), and its log
    says ``:0``. So it is given a free port, and this socket holds that port
    until Granian listens: bound but not listening, so it takes no
    connections, with ``SO_REUSEPORT``, which Granian's sockets set too, so
    Granian can bind beside it while any other program is refused.
    """
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind(("127.0.0.1", 0))
    return holder


def accepts(port: int) -> bool:
    """Whether something listens on 127.0.0.1:*port*."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class ServerKind:
    """A server and its thread count, as ``--servers`` names it."""

    kind: str
    threads: int

    @classmethod
    def parse(cls, name: str) -> ServerKind:
        """``waitress:8`` -> Waitress with 8 threads; no number: the default."""
        kind, _, threads = name.partition(":")
        if kind not in DEFAULT_THREADS:
            known = ", ".join(DEFAULT_THREADS)
            raise ValueError(f"unknown server {kind!r} (known: {known})")
        module = kind.partition("-")[0]
        if importlib.util.find_spec(module) is None:
            raise ValueError(f"{kind} needs {module}: pip install -e '.[test]'")
        if kind == "gunicorn-sync" and threads not in ("", "1"):
            raise ValueError("gunicorn-sync serves one request at a time")
        return cls(kind, int(threads) if threads else DEFAULT_THREADS[kind])

    def __str__(self) -> str:
        return (
            self.kind if self.kind == "gunicorn-sync" else f"{self.kind}:{self.threads}"
        )

    def command(self, contestant: str, port: int) -> list[str]:
        """The command serving *contestant* (Granian on *port*)."""
        target = f"benchmarks.apps.{sc.CONTESTANTS[contestant]}:app"
        if self.kind == "waitress":
            script = os.path.abspath(__file__)
            return [sys.executable, script, "--serve", contestant, str(self.threads)]
        if self.kind == "granian":
            return [
                *(sys.executable, "-m", "granian", "--interface", "wsgi"),
                *("--host", "127.0.0.1", "--port", str(port), "--workers", "1"),
                *("--blocking-threads", str(self.threads), "--no-ws", target),
            ]
        import gunicorn.config

        worker = self.kind.removeprefix("gunicorn-")
        command = [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0"]
        command += ["--workers", "1", "--worker-class", worker]
        command += ["--threads", str(self.threads)]
        # Gunicorn >= 25.1 opens a control socket in $HOME by default; the
        # servers started together must not fight over it.
        if hasattr(gunicorn.config, "ControlSocketDisable"):
            command.append("--no-control-socket")
        return [*command, target]


class Server:
    """A contestant served in a process group of its own."""

    def __init__(self, kind: ServerKind, contestant: str, log_dir: str) -> None:
        self.kind = kind
        self.contestant = contestant
        self.name = f"{kind} {contestant}"
        self.log_path = os.path.join(log_dir, f"{kind}-{contestant}.log")
        self._holder = hold_port() if kind.kind == "granian" else None
        given = self._holder.getsockname()[1] if self._holder else 0
        # The apps import WebOb, which warns on newer Pythons; not our news.
        env = {**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"}
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                kind.command(contestant, given),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
        self.port = given

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Wait until the server takes connections; learn its port."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if not self.port:
                with open(self.log_path, encoding="utf-8", errors="replace") as log:
                    found = LISTENING.search(log.read())
                self.port = int(found[1]) if found else 0
            if self.port and accepts(self.port):
                self._release()
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.name}: server did not start (see {self.log_path})")

    def _release(self) -> None:
        if self._holder is not None:
            self._holder.close()
            self._holder = None

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
        """User + system CPU time of the server's processes so far (Linux /proc).

        Gunicorn and Granian serve from a worker process beside their main
        one; both are in the group whose id is the main process's.
        """
        ticks = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            if int(fields[2]) == self.process.pid:  # its process group
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """Stop the server's process group: TERM, then KILL what lingers."""
        self._release()
        for signal_number in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, signal_number)
            except ProcessLookupError:  # nothing left in the group
                return
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)


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


def names(text: str) -> list[str]:
    return [name for name in text.split(",") if name]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", default="waitress:4,gunicorn-gthread:4,granian:1")
    parser.add_argument("--connections", default="1,4", help="wrk's, e.g. 1,4,8")
    parser.add_argument("--contestants", default="bare,httpx_views")
    parser.add_argument("--scenarios", default="hello,buy")
    parser.add_argument("--duration", type=int, default=2, help="seconds per load")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--wrk", default=shutil.which("wrk"), help="wrk's path")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--json", metavar="FILE", help="also write every run")
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve_waitress(args.serve[0], int(args.serve[1]))
        return 0
    if not args.wrk:
        print(
            "e2e.py needs wrk, which is not installed. On Debian or Ubuntu: "
            "apt-get install -y wrk (or pass --wrk /path/to/wrk).",
            file=sys.stderr,
        )
        return 2
    try:
        kinds = [ServerKind.parse(name) for name in names(args.servers)]
        for name in names(args.contestants):
            sc.load(name)  # fail early on a typo
    except ValueError as exc:
        parser.error(str(exc))
    contestants = names(args.contestants)
    connection_counts = [int(n) for n in names(args.connections)]
    scenarios = [sc.SCENARIOS[name] for name in names(args.scenarios)]
    for scenario in scenarios:
        if scenario.method != "GET":
            parser.error(f"{scenario.name}: wrk sends GET only here")
        if scenario.middleware:
            # Its app is another instance, which each server would serve too.
            parser.error(f"{scenario.name}: measured in-process only (run.py)")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    # The servers have process groups of their own, so a TERM meant for
    # this run reaches only it: end it the way Ctrl-C does, stopping them.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = time.perf_counter()
    log_dir = tempfile.mkdtemp(prefix="httpx-views-e2e-")
    servers: list[Server] = []
    runs: dict[tuple[str, int, str, str], list[dict[str, float]]] = {}
    errors: list[str] = []
    try:
        for kind in kinds:
            for name in contestants:
                servers.append(Server(kind, name, log_dir))
        for server in servers:
            server.wait_ready()
            for scenario in scenarios:
                scenario.verify(server.get(scenario.path))
                run_wrk(args.wrk, server.url(scenario.path), 1, max(connection_counts))
        log(f"servers ready and checked (logs in {log_dir})")
        shuffle = random.Random(args.seed).shuffle
        for number in range(1, args.rounds + 1):
            for connections in connection_counts:
                for scenario in scenarios:
                    order = list(servers)
                    shuffle(order)
                    for server in order:
                        result = measure(args, server, scenario, connections)
                        wanted = result["requests"] if scenario.status >= 400 else 0
                        if (
                            not result["requests"]
                            or result["non_2xx"] != wanted
                            or result["socket_errors"]
                        ):
                            errors.append(f"{server.name} {scenario.name}: {result}")
                        key = (str(server.kind), connections, scenario.name)
                        runs.setdefault((*key, server.contestant), []).append(result)
                        log(
                            f"  round {number} -c{connections} {scenario.name:<8} "
                            f"{server.name:<30} {result['rps']:>9.0f} req/s"
                        )
    finally:
        for server in servers:
            server.stop()
    elapsed = time.perf_counter() - started
    print(report(runs, kinds, connection_counts, contestants, args, elapsed))
    if errors:
        print("\nFAILED:\n" + "\n".join(f"- {e}" for e in errors))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as file:
            data = [
                {
                    "server": k,
                    "connections": n,
                    "scenario": s,
                    "contestant": c,
                    "runs": r,
                }
                for (k, n, s, c), r in runs.items()
            ]
            json.dump(data, file, indent=1)
    return 1 if errors else 0


def measure(
    args: Any, server: Server, scenario: sc.Scenario, connections: int
) -> dict[str, float]:
    """One wrk load on *server*, with the server's CPU time per request."""
    cpu = server.cpu_seconds()
    result = run_wrk(args.wrk, server.url(scenario.path), args.duration, connections)
    used = server.cpu_seconds() - cpu
    result["cpu_us"] = used / max(result["requests"], 1) * 1e6
    return result


def report(
    runs: dict[tuple[str, int, str, str], list[dict[str, float]]],
    kinds: Sequence[ServerKind],
    connection_counts: Sequence[int],
    contestants: Sequence[str],
    args: Any,
    elapsed: float,
) -> str:
    """The table of medians, in the order the arguments name things."""

    def median(key: tuple[str, int, str, str], value: str) -> float:
        values = [r[value] for r in runs.get(key, [])]
        return statistics.median(values) if values else float("nan")

    rows = []
    goals = []
    for kind in map(str, kinds):
        for connections in connection_counts:
            for scenario in names(args.scenarios):
                base = median((kind, connections, scenario, BASELINE), "rps")
                for name in contestants:
                    key = (kind, connections, scenario, name)
                    rps = median(key, "rps")
                    rows.append(
                        [
                            kind,
                            str(connections),
                            f"{scenario} {name}",
                            f"{rps:,.0f}",
                            f"{rps / base:.2f}",
                            f"{median(key, 'cpu_us'):.0f}",
                        ]
                    )
                    if name == OURS and base == base:
                        goals.append((kind, connections, scenario, rps / base))
    lines = [
        f"One worker process per server; wrk -t1 -d{args.duration}s; median of "
        f"{args.rounds} rounds; Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {elapsed:.0f} s in all",
        "",
        markdown_table(
            [
                "server",
                "connections",
                "scenario contestant",
                "req/s",
                f"x {BASELINE}",
                "server CPU µs/req",
            ],
            rows,
            labels=3,
        ),
    ]
    if goals:
        lines.append("")
        for kind, connections, scenario, share in goals:
            mark = "x" if share >= GOAL else " "
            lines.append(
                f"- [{mark}] {kind} -c{connections}: {OURS} {scenario} at "
                f"{share:.0%} of {BASELINE}'s throughput (goal >= {GOAL:.0%})"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
