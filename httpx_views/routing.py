"""Map request paths and methods to routes, and build paths from routes.

A route's pattern is a path in which ``{...}`` placeholders capture values,
such as ``/users/{id:int}``: :class:`PathPattern`, whose syntax and matching
time ``_path_pattern`` describes. This module chooses among
the routes whose pattern matches a path.

**Precedence.** When several routes match a path, the winner is chosen
among the routes that accept the request method:

1. a static route (no placeholders) beats every dynamic route;
2. among dynamic routes, the pattern that starts with more whole literal
   segments wins: ``/users/me/{tab}`` (two) beats ``/users/{id}/{tab}``
   (one), which beats ``/{any:path}`` (none); a partly literal segment such
   as ``/v{n}`` counts for nothing;
3. what remains tied goes to the pattern registered first.

Routes registered on the same pattern string share its place, fixed by the
first of them. Only when no matching route accepts the method is the
answer "method not allowed".

**Speed.** Static paths are one dict lookup. Dynamic routes hang in a tree
keyed by their literal leading segments, so a lookup only tries patterns
whose literal prefix the path starts with: the route count does not matter.
Expressions are compiled when a route is added; :meth:`Router.match` only
reads, so a frozen router is safe to share between threads.

Example:

>>> def show_user(request):
...     return None
>>> router = Router()
>>> route = router.add("/users/{id:int}", show_user, methods=["GET"], name="user")
>>> found = router.match("/users/42", "GET")
>>> found.route is route, found.params
(True, {'id': 42})
>>> sorted(router.match("/users/42", "POST"))
['GET', 'HEAD', 'OPTIONS']
>>> router.match("/nope", "GET") is None
True
>>> router.url_path("user", {"id": 42})
'/users/42'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple, TypeAlias
from urllib.parse import quote, urlencode

from ._path_pattern import ConfigurationError as ConfigurationError
from ._path_pattern import PathPattern as PathPattern

__all__ = [
    "ConfigurationError",
    "Match",
    "MatchResult",
    "PathPattern",
    "Route",
    "Router",
]

# RFC 9110 token characters: a method name made of anything else is a typo
# such as "GET,POST" and would never match a request.
_METHOD = re.compile(r"[!#$%&'*+.^_`|~0-9A-Z-]+")


class Route(NamedTuple):
    """One registered route: a pattern, a view and its conditions."""

    #: The pattern as registered, such as ``"/users/{id:int}"``.
    pattern: str
    #: The callable or class the App calls.
    view: Any
    #: The upper-case methods served, or ``None`` for every method. ``GET``
    #: implies ``HEAD``, unless another route on the pattern claims ``HEAD``.
    methods: frozenset[str] | None
    #: The name for :meth:`~httpx_views.routing.Router.url_path`, if any.
    name: str | None
    #: The permission the App checks before calling the view, if any.
    permission: str | None
    #: The parsed pattern, shared by the routes of one pattern string.
    compiled: PathPattern


class Match:
    """A route that accepts the request, with the values it captured.

    (A slotted class: one is made per request, quicker than a named tuple.)
    """

    __slots__ = ("params", "route")

    def __init__(self, route: Route, params: dict[str, Any]) -> None:
        #: The route whose pattern and methods accept the request.
        self.route = route
        #: Placeholder values, converted; a fresh dict the caller may keep.
        self.params = params

    def __repr__(self) -> str:
        return f"Match(route={self.route!r}, params={self.params!r})"


#: What :meth:`Router.match` returns: a :class:`Match`; a frozenset of the
#: allowed methods when routes match the path but none accepts the method
#: (it includes ``OPTIONS``, and ``HEAD`` with ``GET``); ``None`` when no
#: route matches the path.
MatchResult: TypeAlias = Match | frozenset[str] | None


class _Entry:
    """The routes registered on one pattern string, by method."""

    __slots__ = ("allowed", "any", "by_method", "explicit", "pattern", "routes")

    def __init__(self, pattern: PathPattern) -> None:
        self.pattern = pattern
        self.routes: list[Route] = []
        self.any: Route | None = None
        self.explicit: dict[str, Route] = {}
        self.by_method: dict[str, Route] = {}
        self.allowed: frozenset[str] = frozenset()

    def add(self, route: Route, methods: frozenset[str] | None) -> None:
        """Add *route*, which serves *methods* as given (``None``: all)."""
        if methods is None or self.any is not None:
            clash = self.routes[0] if self.routes else None
            overlap = "every method"
        else:
            common = sorted(methods & self.explicit.keys())
            clash = self.explicit[common[0]] if common else None
            overlap = ", ".join(common)
        if clash is not None:
            raise ConfigurationError(
                f"route pattern {route.pattern!r}: views {_describe(clash.view)} "
                f"and {_describe(route.view)} both serve {overlap}"
            )
        self.routes.append(route)
        if methods is None:
            self.any = route
            return
        for method in methods:
            self.explicit[method] = self.by_method[method] = route
        # HEAD follows GET unless a route claims HEAD itself.
        if "GET" in self.explicit and "HEAD" not in self.explicit:
            self.by_method["HEAD"] = self.explicit["GET"]
        self.allowed = frozenset(self.by_method) | {"OPTIONS"}


class _Node:
    """A tree node: dynamic entries whose literal prefix ends here."""

    __slots__ = ("children", "entries")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.entries: list[_Entry] = []


class Router:
    """Routes registered in order, matched by the precedence rule.

    A static segment beats a placeholder, whatever the order of registration:

    >>> router = Router()
    >>> _ = router.add("/users/{id}", "user view")
    >>> _ = router.add("/users/me", "own profile view")
    >>> router.freeze()
    >>> router.match("/users/me", "GET").route.view
    'own profile view'
    >>> router.match("/users/ann", "GET").params
    {'id': 'ann'}
    """

    def __init__(self) -> None:
        self._routes: list[Route] = []
        self._named: dict[str, Route] = {}
        self._entries: dict[str, _Entry] = {}
        self._static: dict[str, _Entry] = {}
        self._root = _Node()
        self._frozen = False

    @property
    def frozen(self) -> bool:
        """Whether :meth:`freeze` was called; no route can be added then."""
        return self._frozen

    @property
    def routes(self) -> Sequence[Route]:
        """All routes, in registration order."""
        return tuple(self._routes)

    def freeze(self) -> None:
        """Refuse further :meth:`add` calls (the App calls this first)."""
        self._frozen = True

    def add(
        self,
        pattern: str,
        view: Any,
        *,
        methods: Iterable[str] | None = None,
        name: str | None = None,
        permission: str | None = None,
    ) -> Route:
        """Register *view* for *pattern* and return the new route.

        >>> router = Router()
        >>> route = router.add("/users/{id:int}", "user view", methods=["get"])
        >>> route.pattern, sorted(route.methods)
        ('/users/{id:int}', ['GET', 'HEAD'])

        :param pattern: the path pattern (see the module documentation).
        :param view: what the App calls for a matching request.
        :param methods: HTTP method names (any case; one string is one
            method); ``None`` serves every method. ``GET`` implies ``HEAD``
            unless a route on the same pattern names ``HEAD`` itself.
        :param name: a unique name for :meth:`url_path`.
        :param permission: the permission the App checks first.
        :raises ConfigurationError: for a frozen router, a bad pattern, an
            empty or malformed method list, a name already used, or a pattern
            and method another route already serves.
        """
        if self._frozen:
            raise ConfigurationError(
                f"cannot add route {pattern!r} after the first request"
            )
        given = _normalize_methods(pattern, methods)
        if name is not None:
            if not isinstance(name, str) or not name:
                raise ConfigurationError(
                    f"route {pattern!r}: name must be a non-empty string"
                )
            if name in self._named:
                raise ConfigurationError(
                    f"route name {name!r} is used by {self._named[name].pattern!r} "
                    f"(view {_describe(self._named[name].view)}) and by "
                    f"{pattern!r} (view {_describe(view)})"
                )
        entry = self._entries.get(pattern)
        compiled = entry.pattern if entry is not None else PathPattern(pattern)
        served = given
        if given is not None and "GET" in given:
            served = given | {"HEAD"}
        route = Route(pattern, view, served, name, permission, compiled)
        if entry is None:
            entry = _Entry(compiled)
            entry.add(route, given)
            self._entries[pattern] = entry
            if compiled.regex is None:
                self._static[pattern] = entry
            else:
                node = self._root
                for segment in compiled.prefix:
                    node = node.children.setdefault(segment, _Node())
                node.entries.append(entry)
        else:
            entry.add(route, given)
        self._routes.append(route)
        if name is not None:
            self._named[name] = route
        return route

    def match(self, path: str, method: str) -> MatchResult:
        """Find the route for *path* and *method*.

        :param path: the decoded request path.
        :param method: the request method, as sent (case matters).
        :return: a :class:`Match`; or the frozenset of allowed methods
            (with ``OPTIONS``) if routes match the path but none accepts
            *method*; or ``None`` if no route matches the path.
        """
        allowed: frozenset[str] | None = None
        entry = self._static.get(path)
        if entry is not None:
            route = entry.any or entry.by_method.get(method)
            if route is not None:
                return Match(route, {})
            allowed = entry.allowed
        for entry in self._dynamic(path):
            params = entry.pattern.match(path)
            if params is None:
                continue
            route = entry.any or entry.by_method.get(method)
            if route is not None:
                return Match(route, params)
            allowed = entry.allowed if allowed is None else allowed | entry.allowed
        return allowed

    def candidates(self, path: str) -> list[Route]:
        """Return the routes whose pattern matches *path*, any method.

        They come in precedence order; it explains a 404 (none) or a 405.

        :param path: the decoded request path.
        """
        found = []
        entry = self._static.get(path)
        if entry is not None:
            found.extend(entry.routes)
        for entry in self._dynamic(path):
            if entry.pattern.match(path) is not None:
                found.extend(entry.routes)
        return found

    def _dynamic(self, path: str) -> Sequence[_Entry]:
        """The dynamic entries that may match *path*, in precedence order."""
        # Walk down the literal segments of the path: only patterns whose
        # literal prefix the path starts with can match, deepest first. A
        # segment counts only when a '/' follows it, as in the prefixes.
        node = self._root
        nodes = [node] if node.entries else []
        start = 1
        while node.children:
            end = path.find("/", start)
            if end < 0:
                break
            child = node.children.get(path[start:end])
            if child is None:
                break
            node = child
            if node.entries:
                nodes.append(node)
            start = end + 1
        if len(nodes) < 2:
            return nodes[0].entries if nodes else ()
        return [entry for node in reversed(nodes) for entry in node.entries]

    def url_path(
        self,
        name: str,
        parts: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
    ) -> str:
        """Return the path of the route called *name*, *parts* filled in.

        Each value is ``str()``-ed and quoted as one path segment (``/``
        becomes ``%2F``, a space ``%20``, other text UTF-8 encoded), except
        a ``{name:path}`` value, whose ``/`` are kept. Values are not
        checked against the placeholders' expressions.

        >>> router = Router()
        >>> _ = router.add("/users/{id:int}", "user view", name="user")
        >>> _ = router.add("/files/{rest:path}", "file view", name="file")
        >>> router.url_path("user", {"id": 42}, query={"tab": "a b"})
        '/users/42?tab=a%20b'
        >>> router.url_path("file", {"rest": "docs/read me.txt"})
        '/files/docs/read%20me.txt'

        :param name: the route name.
        :param parts: a value for each placeholder of the pattern.
        :param query: pairs or a mapping (a list value repeats the key)
            to append as a query string.
        :raises KeyError: for an unknown route name.
        :raises ValueError: for a missing or an unexpected part.
        """
        route = self._named.get(name)
        if route is None:
            known = ", ".join(sorted(self._named)) or "none"
            raise KeyError(f"no route named {name!r} (named routes: {known})")
        path = route.compiled.build(parts or {})
        if query:
            path += "?" + urlencode(query, doseq=True, quote_via=quote)
        return path


def _normalize_methods(
    pattern: str, methods: Iterable[str] | None
) -> frozenset[str] | None:
    """Upper-case *methods* and check them; ``None`` stays ``None``."""
    if methods is None:
        return None
    if isinstance(methods, str):
        methods = [methods]
    normalized = frozenset(str(method).upper() for method in methods)
    if not normalized:
        raise ConfigurationError(f"route {pattern!r}: empty list of methods")
    for method in sorted(normalized):
        if not _METHOD.fullmatch(method):
            raise ConfigurationError(
                f"route {pattern!r}: {method!r} is not an HTTP method name"
            )
    return normalized


def _describe(view: Any) -> str:
    """Name *view* for an error message: ``module.qualname`` or its repr."""
    qualname = getattr(view, "__qualname__", None)
    if isinstance(qualname, str):
        module = getattr(view, "__module__", None)
        return f"{module}.{qualname}" if module else qualname
    return repr(view)
