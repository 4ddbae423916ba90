"""The ``httpx-views`` command: serve an App, list its routes.

.. not-run: shell commands; tests/test_cli.py runs them

.. code-block:: console

    $ httpx-views serve examples/payment_required.py
    Serving examples/payment_required.py on http://127.0.0.1:8880 (Ctrl-C to stop)
    $ httpx-views serve --reload --debug myproject.web:app
    $ httpx-views routes myproject.web:app

``TARGET`` is ``package.module:attribute`` or ``path/to/file.py:attribute``;
the attribute defaults to ``app``. The same command is ``python -m
httpx_views``. Bad input -- an unknown module or file, a target that fails
to import in any way, a missing attribute, something that is not a WSGI
application, a port in use -- is one line on stderr and exit status 2, never
a traceback.

For development, ``serve --reload`` restarts the server when a Python file
of the application changes (with hupper, Pyramid's reloader: the ``reload``
extra), and ``serve --debug`` turns the App's debug mode on.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import logging
import os
import re
import signal
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, ModuleType
from typing import TYPE_CHECKING, Any, NoReturn

from ._access_log import _AccessLog, _configure_logging
from .app import App

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

__all__ = ["main"]

PROG = "httpx-views"

# ``ref[:attribute]``; the attribute is a dotted name. The reference is
# matched lazily so that a Windows drive letter (``C:\\app.py``) stays in it.
_TARGET = re.compile(r"(?P<ref>.+?)(?::(?P<attr>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*))?")
_MODULE_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


class _UsageError(Exception):
    """Bad input: reported as one line on stderr, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command with *argv* (default: ``sys.argv[1:]``).

    :returns: the exit status: 0, or 2 for bad input.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser().parse_args(argv)  # exits with status 2 on bad arguments
    args.argv = argv  # for the worker processes of serve --reload
    try:
        status: int = args.run(args)
    except _UsageError as exc:
        _print_error(str(exc))
        return 2
    except KeyboardInterrupt:
        # Ctrl-C while listing routes (importing the target, say); `serve`
        # handles its own and says "Stopped.".
        return 130
    return status


# -- arguments -----------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are a single line."""

    def error(self, message: str) -> NoReturn:
        _print_error(f"{message} (see '{self.prog} --help')")
        raise SystemExit(2)


def _print_error(message: str) -> None:
    # One line, whatever the message holds: an exception text may have many.
    print(f"{PROG}: error: {' '.join(message.split())}", file=sys.stderr)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"invalid port {text!r}: a number from 0 to 65535 (0: any free port)"
        )
    return port


def _threads(text: str) -> int:
    try:
        threads = int(text)
    except ValueError:
        threads = 0
    if not 1 <= threads <= 1024:
        raise argparse.ArgumentTypeError(
            f"invalid thread count {text!r}: a number from 1 to 1024"
        )
    return threads


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG, description="Serve an httpx_views App or list its routes."
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    target_help = (
        "package.module:attribute or path/to/file.py[:attribute]; "
        "the attribute defaults to 'app'"
    )

    serve = commands.add_parser(
        "serve",
        help="serve a WSGI application with Waitress",
        description="Serve a WSGI application (an App, usually) with Waitress, "
        "logging each request on stdout. Ctrl-C or SIGTERM stops it. For "
        "development: --reload restarts it when a Python file changes, --debug "
        "shows tracebacks in error pages.",
    )
    serve.add_argument("target", metavar="TARGET", help=target_help)
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default: 127.0.0.1, this machine only; "
        "0.0.0.0 for every IPv4 interface)",
    )
    serve.add_argument(
        "--port",
        type=_port,
        default=8880,
        help="the TCP port (default: 8880; 0 picks a free one)",
    )
    serve.add_argument(
        "--threads",
        type=_threads,
        default=4,
        metavar="N",
        help="the worker threads serving requests (default: 4)",
    )
    serve.add_argument(
        "--reload",
        action="store_true",
        help="restart the server when a Python file of the application changes "
        "(needs hupper: pip install 'httpx_views[reload]'); with --port 0, each "
        "restart picks its own port",
    )
    serve.add_argument(
        "--debug",
        action="store_true",
        help="turn the App's debug mode on: tracebacks in 500 pages, routes in "
        "404 pages, for every client to see; never in production",
    )
    serve.set_defaults(run=_serve)

    routes = commands.add_parser(
        "routes",
        help="list an App's routes and exception views",
        description="List an App's routes, then its Not Found, Forbidden "
        "and other exception views.",
    )
    routes.add_argument("target", metavar="TARGET", help=target_help)
    routes.set_defaults(run=_routes)
    return parser


# -- loading the target --------------------------------------------------------


def _load_target(target: str) -> Any:
    """Import *target* and return the object it names.

    :param target: ``package.module:attribute`` or ``path/file.py:attribute``;
        the attribute (dotted for nested objects) defaults to ``app``.
    :raises _UsageError: for an unknown module or file, a module that fails
        to import, or a missing attribute.
    """
    found = _TARGET.fullmatch(target)
    if found is None:
        raise _UsageError(f"invalid target {target!r}")
    ref, attr = found["ref"], found["attr"] or "app"
    if ref.endswith(".py") or "/" in ref or os.sep in ref:
        module = _import_file(ref)
    elif _MODULE_NAME.fullmatch(ref):
        module = _import_module(ref)
    else:
        raise _UsageError(
            f"invalid target {target!r}: expected package.module:attribute "
            "or path/to/file.py:attribute"
        )
    obj: Any = module
    # A module's __getattr__ (a lazy import, say) may raise anything.
    with _reported(f"getting {attr!r} from {ref!r}"):
        for part in attr.split("."):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                hint = ""
                apps = [n for n, value in vars(module).items() if _is_app(value)]
                if apps:
                    hint = f" (its App: {', '.join(apps)})"
                raise _UsageError(
                    f"module {ref!r} has no attribute {attr!r}{hint}"
                ) from None
    return obj


def _load_wsgi_app(target: str) -> WSGIApplication:
    """Like :func:`_load_target`, and check the object is a WSGI application.

    :raises _UsageError: also when the object is not callable as
        ``app(environ, start_response)``.
    """
    obj = _load_target(target)
    # A proxy object may raise anything when asked its class.
    with _reported(f"checking {target!r}"):
        what = _not_wsgi(obj)
    if what is not None:
        raise _UsageError(f"{target!r} is not a WSGI application: {what}")
    return obj  # type: ignore[no-any-return]


def _import_file(ref: str) -> ModuleType:
    path = Path(ref)
    try:
        is_file = path.is_file()
    except OSError as exc:  # a name too long, say
        raise _UsageError(f"cannot read {ref!r}: {exc.strerror or exc}") from None
    if not is_file:
        raise _UsageError(f"no such file: {ref!r}")
    # As `python path/file.py` would: the file's folder comes first on the
    # path, so that the file imports its neighbours.
    sys.path.insert(0, str(path.resolve().parent))
    name = path.stem if path.stem.isidentifier() else "_httpx_views_target"
    if name in sys.modules:
        # Never shadow a module already imported (a file called json.py).
        name = f"_httpx_views_target_{name}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise _UsageError(f"cannot import {ref!r}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    with _reported(f"importing {ref!r}"):
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
    return module


def _import_module(name: str) -> ModuleType:
    # A console script does not have the current folder on its path, while
    # `python -m` does; both should find a module in the current folder.
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    with _reported(f"importing {name!r}"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # The target itself (or a package above it) is missing, as
            # opposed to a module the target imports.
            if exc.name is not None and (name + ".").startswith(exc.name + "."):
                raise _UsageError(
                    f"no module named {exc.name!r} (is it installed, or in the "
                    "current folder?)"
                ) from None
            raise
    return module


@contextmanager
def _reported(doing: str) -> Iterator[None]:
    """Turn any exception in the block into a :class:`_UsageError`.

    The target's own code runs in the block, so anything may come out of
    it: ``SystemExit`` too (a script's ``sys.exit()`` at import time), and
    exceptions whose ``str()`` fails. ``KeyboardInterrupt`` passes: that is
    Ctrl-C (or, while serving, SIGTERM), not a broken target.

    :param doing: what the block does, for the message: ``"importing 'x'"``.
    """
    try:
        yield
    except (_UsageError, KeyboardInterrupt):
        raise
    except BaseException as exc:
        raise _UsageError(f"{doing} failed: {_describe_error(exc)}") from None


def _describe_error(exc: BaseException) -> str:
    """The exception on one line, with where it was raised."""
    try:
        message = str(exc)
    except Exception:
        message = "<exception str() failed>"  # as Python's traceback says
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    if isinstance(exc, SyntaxError):
        return text  # its message already says file and line
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        text += f" ({frames[-1].filename}, line {frames[-1].lineno})"
    return text


def _is_app(value: Any) -> bool:
    return isinstance(value, App)


def _not_wsgi(obj: Any) -> str | None:
    """Say why *obj* cannot be a WSGI application, else return ``None``."""
    if isinstance(obj, type):
        return f"it is the class {obj.__name__} (an instance may be one)"
    if isinstance(obj, ModuleType):
        return f"it is the module {obj.__name__}"
    if not callable(obj):
        return f"it is a {type(obj).__name__}, which cannot be called"
    try:
        signature = inspect.signature(obj)
    except Exception:  # TypeError, ValueError, or anything from a proxy
        return None  # no signature to check (a builtin, say): give it a go
    try:
        signature.bind(object(), object())
    except TypeError:
        params = signature.replace(return_annotation=inspect.Signature.empty)
        return f"it takes {params}, not (environ, start_response)"
    return None


# -- serve -----------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    # First of all, before anything slow: a SIGTERM that comes as soon as
    # the process has started (a supervisor stopping it at once, say) stops
    # it as cleanly as one while it serves, even in the middle of importing
    # the target or binding the port.
    on_signal = _StopOnSignal()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sys.unraisablehook = on_signal.unraisable
    server = None
    try:
        reloader = _start_reloader(args.argv) if args.reload else None
        from waitress.server import create_server

        app = _load_app(args.target, debug=args.debug, reloader=reloader)
        _configure_logging()
        try:
            server = create_server(
                _AccessLog(app, logging.getLogger("httpx_views.access")),
                host=args.host,
                port=args.port,
                threads=args.threads,
            )
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise _UsageError(
                f"cannot listen on {args.host}:{args.port}: {reason}"
            ) from None
        if on_signal.stopping:  # the target's import swallowed the _Stop
            raise _Stop
        urls = ", ".join(_url(host, port) for host, port in _addresses(server))
        print(f"Serving {args.target} on {urls} (Ctrl-C to stop)", flush=True)
        server.run()  # ends on _Stop: Waitress handles it as a Ctrl-C
    except _Stop:
        pass
    finally:
        on_signal.stopping = True  # from now on, a signal changes nothing
        sys.unraisablehook = on_signal.report
        if server is not None:
            server.close()
    print("Stopped.", flush=True)
    return 0


def _start_reloader(argv: list[str]) -> Any:
    """Become hupper's monitor; in the worker it starts, return its proxy.

    The monitor never imports the target. It runs the same command line in
    a worker process, restarts it when a watched file changes (waits for a
    change when it fails), and stops it when stopped itself (SIGTERM,
    Ctrl-C); then it exits (``SystemExit``) with the last worker's status.
    In a worker, the call returns hupper's proxy to the monitor.

    :raises _UsageError: when hupper is not installed.
    """
    try:
        import hupper
    except ImportError:
        raise _UsageError(
            "--reload needs hupper: pip install 'httpx_views[reload]'"
        ) from None
    return hupper.start_reloader(
        f"{__name__}._reload_worker",
        worker_kwargs={"argv": argv},
        # How long a worker may take to stop (to finish the requests in
        # hand) before it is killed; it stops at once when it can.
        shutdown_interval=5,
    )


def _reload_worker(argv: list[str]) -> NoReturn:
    """Run the command in hupper's worker process, and exit with its status.

    hupper would exit with 0 whatever :func:`main` returns; a worker that
    fails says so to the monitor, which exits with its status if stopped
    before the next one starts.
    """
    sys.exit(main(argv))


def _load_app(target: str, *, debug: bool, reloader: Any) -> WSGIApplication:
    """Load the application to serve, in debug mode if *debug*.

    :param reloader: hupper's proxy to the monitor, in a worker of
        ``--reload``; else ``None``. hupper watches the files of the modules
        imported; when the target fails to load, the files of the error are
        watched too, since the module that failed is not among them (a
        syntax error, say), and fixing it must start the next worker.
    :raises _UsageError: as :func:`_load_wsgi_app`, and when *debug* is
        asked of something else than an App.
    """
    try:
        app = _load_wsgi_app(target)
    except _UsageError as exc:
        # The error that made the _UsageError: raised "from None", it is
        # still its __context__ (only hidden from tracebacks).
        if reloader is not None and exc.__context__ is not None:
            reloader.watch_files(_source_files(exc.__context__))
        raise
    if debug:
        if not isinstance(app, App):
            raise _UsageError(
                f"{target!r} is a WSGI application but not an httpx_views App: "
                "--debug needs an App"
            )
        app.debug = True
        print(
            f"{PROG}: warning: debug mode: tracebacks, routes and request headers "
            "are shown to every client; never use it in production",
            file=sys.stderr,
        )
    return app


def _source_files(exc: BaseException) -> list[str]:
    """The files of the code *exc* went through, and of its syntax error."""
    files = [frame.filename for frame in traceback.extract_tb(exc.__traceback__)]
    if isinstance(exc, SyntaxError) and exc.filename is not None:
        files.append(exc.filename)
    # Not "<string>", nor importlib's "<frozen ...>".
    return [file for file in dict.fromkeys(files) if os.path.isfile(file)]


class _Stop(KeyboardInterrupt):
    """Raised in the main thread by SIGTERM or SIGINT while serving.

    A ``KeyboardInterrupt``, so that Waitress ends its loop on it as on
    Ctrl-C, cleanly (letting its worker threads finish the requests in
    hand), and the loader lets it through as it lets Ctrl-C.
    """


class _StopOnSignal:
    """The SIGTERM and SIGINT handler of ``serve``: raise :class:`_Stop` once.

    Later signals are ignored, so that they cannot break off the shutdown.
    """

    def __init__(self) -> None:
        self.stopping = False
        #: The ``sys.unraisablehook`` that reports everything else.
        self.report = sys.unraisablehook

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if not self.stopping:
            self.stopping = True
            raise _Stop

    def unraisable(self, unraisable: Any) -> None:
        """``sys.unraisablehook`` while serving.

        A signal may come while Python runs a callback it cannot raise out
        of (a weak reference's, during an import): Python would print the
        :class:`_Stop` as "Exception ignored". It is dropped quietly; the
        ``stopping`` flag it set stops the server once the target is loaded.
        """
        if not isinstance(unraisable.exc_value, _Stop):
            self.report(unraisable)


def _addresses(server: Any) -> list[tuple[str, int]]:
    """The (host, port) pairs *server* listens on, ports as bound."""
    listening = getattr(server, "effective_listen", None)  # several sockets
    if listening is None:
        listening = [(server.effective_host, server.effective_port)]
    return [(str(host), int(port)) for host, port in listening]


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


# -- routes ----------------------------------------------------------------------


def _routes(args: argparse.Namespace) -> int:
    app = _load_wsgi_app(args.target)
    if not isinstance(app, App):
        raise _UsageError(
            f"{args.target!r} is a WSGI application but not an httpx_views App: "
            "it has no routes to list"
        )
    print(_format_routes(app), end="")
    return 0


def _format_routes(app: App) -> str:
    """Return *app*'s routes and exception views as two text tables."""
    routes = [
        (
            "ANY" if route.methods is None else ",".join(sorted(route.methods)),
            route.pattern,
            route.name or "-",
            _name_of(route.view),
            route.permission or "-",
        )
        for route in app.router.routes
    ]
    lines = ["Routes:"]
    if routes:
        lines += _table(("METHODS", "PATTERN", "NAME", "VIEW", "PERMISSION"), routes)
    else:
        lines.append("  (none)")

    from .httpexceptions import HTTPForbidden, HTTPNotFound

    views = app.exception_views
    rows = []
    # HTTPNotFound and HTTPForbidden come first, then the rest as registered.
    order: list[type[BaseException]] = [HTTPNotFound, HTTPForbidden, *views]
    for exc_type in dict.fromkeys(order):
        entries = views.get(exc_type, [])
        if not entries and exc_type in (HTTPNotFound, HTTPForbidden):
            rows.append((exc_type.__name__, "/", "(default response)", "-"))
        for prefix, view, append_slash in entries:
            rows.append(
                (
                    _name_of(exc_type),
                    prefix or "/",
                    _name_of(view),
                    "append_slash" if append_slash else "-",
                )
            )
    lines += ["", "Exception views:"]
    lines += _table(("EXCEPTION", "PATH PREFIX", "VIEW", "OPTIONS"), rows)
    return "\n".join(lines) + "\n"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [
        max(len(row[column]) for row in [header, *rows])
        for column in range(len(header))
    ]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append(("  " + "  ".join(cells)).rstrip())
    return lines


def _name_of(obj: Any) -> str:
    """``module.qualname``; bare for builtins and our own exceptions."""
    name = getattr(obj, "__qualname__", None) or repr(obj)
    module = getattr(obj, "__module__", None)
    if module in (None, "builtins", "httpx_views.httpexceptions"):
        return str(name)
    return f"{module}.{name}"
