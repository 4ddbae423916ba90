"""Views as the App calls them: class-based views, and no coroutines.

A class registered as a view gets a fresh instance per request, whose
method named after the HTTP method answers; an ``async def`` view (or
middleware) is refused when it is registered, since a WSGI App calls views
synchronously. :func:`_route_rows` and :func:`_patterns` name the routes
a debug 404 or 405 lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, NamedTuple

from .routing import ConfigurationError, Route, _describe

# The methods a class-based view may implement, as method names.
_CLASS_VIEW_METHODS = ("get", "head", "post", "put", "patch", "delete", "options")


def _class_view_methods(
    cls: type[Any], pattern: str, methods: Iterable[str] | None
) -> frozenset[str]:
    """The HTTP methods a class-based view serves on *pattern*."""
    implemented = {name.upper() for name in _CLASS_VIEW_METHODS if hasattr(cls, name)}
    if "GET" in implemented:
        implemented.add("HEAD")
    if methods is None:
        if not implemented:
            raise ConfigurationError(
                f"class view {_describe(cls)} for {pattern!r} implements no HTTP "
                f"method (one of {', '.join(_CLASS_VIEW_METHODS)})"
            )
        return frozenset(implemented)
    if isinstance(methods, str):  # one method, as function views take it
        methods = [methods]
    wanted = {method.upper() for method in methods}
    missing = wanted - implemented
    if missing:
        raise ConfigurationError(
            f"class view {_describe(cls)} for {pattern!r} has no method for "
            f"{', '.join(sorted(missing))}"
        )
    return frozenset(wanted)


def _class_view_method(instance: Any, method: str) -> Callable[..., Any]:
    handler: Callable[..., Any] | None = getattr(instance, method.lower(), None)
    if handler is None and method == "HEAD":
        handler = instance.get
    assert handler is not None  # the router only routes methods the class has
    return handler


# inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR: inspect itself is slow
# to import.
_CO_ASYNC = 0x80 | 0x200


def _refuse_async(view: Callable[..., Any], kind: str = "view") -> None:
    """Refuse an ``async def`` *view* (or middleware: *kind*), also inside a
    ``functools.partial`` or as an object's ``__call__``."""
    target: Any = view
    while isinstance(target, partial):
        target = target.func
    if not hasattr(target, "__code__") and callable(target):  # an object
        target = type(target).__call__
    code = getattr(target, "__code__", None)
    if code is not None and code.co_flags & _CO_ASYNC:
        raise ConfigurationError(
            f"{kind} {_describe(view)} is async; a WSGI App calls it "
            "synchronously (use def, not async def)"
        )


class _RouteRow(NamedTuple):
    """One pattern as a debug page lists it."""

    pattern: str
    #: The methods its routes serve, such as ``"GET, HEAD, POST"``.
    methods: str
    #: The names of its routes, comma-separated; ``""`` if none has one.
    names: str


def _route_rows(routes: Iterable[Route]) -> list[_RouteRow]:
    """Each pattern once, in the order added, with its methods and names."""
    methods: dict[str, set[str] | None] = {}
    names: dict[str, list[str]] = {}
    for route in routes:
        served = methods.setdefault(route.pattern, set())
        if served is None or route.methods is None:
            methods[route.pattern] = None
        else:
            served |= route.methods
        named = names.setdefault(route.pattern, [])
        if route.name is not None:
            named.append(route.name)
    return [
        _RouteRow(
            pattern,
            ", ".join(sorted(served)) if served else "any method",
            ", ".join(names[pattern]),
        )
        for pattern, served in methods.items()
    ]


def _patterns(routes: Iterable[Route]) -> str:
    """Each pattern once, with the methods its routes serve, in a line."""
    return ", ".join(f"{row.pattern} ({row.methods})" for row in _route_rows(routes))
