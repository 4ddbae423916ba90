"""Map request paths and methods to routes, and build paths from routes.

A pattern is a path starting with ``/``, written decoded (``/café``, not
``/caf%C3%A9``), in which ``{...}`` placeholders capture values:

``{name}``
    one non-empty path segment (no ``/``), as ``str``.
``{name:int}``, ``{name:float}``
    ASCII digits (``[0-9]+``, ``[0-9]+(\\.[0-9]+)?``) as ``int`` / ``float``.
``{name:uuid}``
    a canonical 8-4-4-4-12 hex UUID, any case, as :class:`uuid.UUID`.
``{name:path}``
    the rest of the path, non-empty, ``/`` included, as ``str``.
``{name:REGEX}``
    a spec that is not a bare word is a regular expression, which may span
    ``/`` and may nest braces (``{year:\\d{4}}``). It must not contain
    capturing groups: write ``(?:...)``. Patterns are compiled with
    :data:`re.DOTALL`. A bare word must be one of the four names above:
    ``{id:integer}`` is an error, not the expression ``integer``.

Placeholders may share a segment with text and with each other
(``/files/{stem}.{ext}``, ``/{a:int}{b:int}``): each takes the longest
value that lets the rest of the pattern match, as in a regular expression.
``{`` and ``}`` cannot appear as literal text. A value that matches the
expression but does not convert (an ``int`` with more digits than Python
accepts) is a miss, never an error. ``/a`` and ``/a/`` are different paths.

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

Matching takes time linear in the path for every pattern made of built-in
placeholders only, even where they share a segment (``LinearMatcher``). A
pattern with a custom expression is matched by :mod:`re` as written, and re
backtracks: nested quantifiers (``(?:a+)+``), or expressions that can match
the same characters side by side (``{a:[a-z]+}{b:[a-z]+}``), take time
quadratic or worse in the length of a hostile path. Keeping them bounded
(``\\d{1,9}``) or apart (a ``/`` between) is the application's job.

Example::

    router = Router()
    router.add("/users/{id:int}", show_user, methods=["GET"], name="user")
    router.match("/users/42", "GET")     # Match(route=..., params={'id': 42})
    router.match("/users/42", "POST")    # frozenset({'GET', 'HEAD', 'OPTIONS'})
    router.match("/nope", "GET")         # None
    router.url_path("user", {"id": 42})  # '/users/42'
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias
from urllib.parse import quote, urlencode

from ._linear import LinearMatcher

if TYPE_CHECKING:
    from uuid import UUID

__all__ = [
    "ConfigurationError",
    "Match",
    "MatchResult",
    "PathPattern",
    "Route",
    "Router",
]


class ConfigurationError(Exception):
    """A route, view or setting was configured wrongly."""


_SEGMENT = "[^/]+"


def _uuid(value: str) -> UUID:
    # Imported on first use: the uuid module is slow to import (it pulls in
    # platform), and most applications have no {name:uuid} placeholder.
    from uuid import UUID

    return UUID(value)


_CONVERTERS: dict[str, tuple[str, Callable[[str], Any] | None]] = {
    "int": ("[0-9]+", int),
    "float": (r"[0-9]+(?:\.[0-9]+)?", float),
    "uuid": ("-".join(f"[0-9a-fA-F]{{{n}}}" for n in (8, 4, 4, 4, 12)), _uuid),
    "path": (".+", None),
}
# RFC 9110 token characters: a method name made of anything else is a typo
# such as "GET,POST" and would never match a request.
_METHOD = re.compile(r"[!#$%&'*+.^_`|~0-9A-Z-]+")
# Characters a path segment may hold unquoted (RFC 3986 pchar, minus '%').
_LITERAL_SAFE = "/:@!$&'()*+,;="
# A spec that looks like a converter's name is one, or a typo ("{id:integer}").
_BARE_WORD = re.compile("[A-Za-z_][A-Za-z0-9_]*")


class PathPattern:
    """A parsed route pattern: its expression, converters and template.

    :param source: the pattern, such as ``"/users/{id:int}"``.
    :raises ConfigurationError: if the pattern is malformed.
    """

    __slots__ = (
        "_converters",
        "_head",
        "_linear",
        "_template",
        "names",
        "prefix",
        "regex",
        "source",
    )

    def __init__(self, source: str) -> None:
        self.source = source
        pieces = _parse(source)
        #: Placeholder names, in order.
        self.names: tuple[str, ...] = tuple(
            p[0] for p in pieces if isinstance(p, tuple)
        )
        #: ``None`` for a static pattern, else the compiled expression for
        #: the path after the literal leading segments.
        self.regex: re.Pattern[str] | None = None
        self.prefix: tuple[str, ...] = ()
        self._head = ""
        self._converters: tuple[tuple[str, Callable[[str], Any]], ...] = ()
        self._linear: LinearMatcher | None = None
        # For url_path: (quoted literal text, placeholder name or "", the
        # characters its value keeps unquoted).
        template: list[tuple[str, str, str]] = []
        literal = ""
        for piece in pieces:
            if isinstance(piece, str):
                literal += piece
                continue
            name, spec = piece
            safe = "/" if spec == "path" else ""
            template.append((quote(literal, safe=_LITERAL_SAFE), name, safe))
            literal = ""
        template.append((quote(literal, safe=_LITERAL_SAFE), "", ""))
        self._template = tuple(template)
        if self.names:
            self._compile(pieces)

    def _compile(self, pieces: list[str | tuple[str, str]]) -> None:
        first = pieces[0]
        # _parse refuses a pattern that does not start with "/": the first
        # piece is text, and the head holds at least that "/".
        assert isinstance(first, str)
        head = first[: first.rfind("/") + 1]
        pieces = [first[len(head) :], *pieces[1:]]
        #: The literal leading segments (``("users",)`` for ``/users/{id}``).
        self.prefix = tuple(head.split("/")[1:-1])
        # The expression matches what follows the literal head: patterns
        # that differ only there ("/r1/{id}", "/r2/{id}") share one
        # expression, which re compiles once.
        self._head = head
        regex = []
        converters = []
        for piece in pieces:
            if isinstance(piece, str):
                regex.append(re.escape(piece))
                continue
            name, spec = piece
            expression, converter = _CONVERTERS.get(spec, (spec or _SEGMENT, None))
            if spec and spec not in _CONVERTERS:
                _check_custom(self.source, name, spec)
            if converter is not None:
                converters.append((name, converter))
            regex.append(f"(?P<{name}>{expression})")
        try:
            with warnings.catch_warnings():
                # Python 3.10 only warns about, e.g., misplaced global flags.
                warnings.simplefilter("error", DeprecationWarning)
                self.regex = re.compile("".join(regex), re.DOTALL)
        except (re.error, DeprecationWarning) as exc:
            raise ConfigurationError(f"route pattern {self.source!r}: {exc}") from None
        self._converters = tuple(converters)
        if _backtracks(pieces):
            self._linear = LinearMatcher(pieces)

    def match(self, path: str) -> dict[str, Any] | None:
        """Return the converted values if *path* matches, else ``None``.

        :param path: a decoded request path.
        """
        regex = self.regex
        if regex is None:
            return {} if path == self.source else None
        head = self._head
        if not path.startswith(head):
            return None
        params: dict[str, Any] | None
        linear = self._linear
        if linear is not None and len(path) - len(head) >= linear.re_below:
            params = linear.match(path[len(head) :])
        else:
            found = regex.fullmatch(path, len(head))
            params = None if found is None else found.groupdict()
        if params is None:
            return None
        for name, converter in self._converters:
            try:
                params[name] = converter(params[name])
            except (ValueError, OverflowError):
                return None
        return params

    def build(self, parts: Mapping[str, Any]) -> str:
        """Return the quoted path with *parts* filled in.

        The path never starts with ``//``, which a browser would read as
        another host (``//evil.example``): the second ``/`` is quoted
        instead, ``/%2Fevil.example``, which servers decode back to the path
        that matched.

        :param parts: a value for each placeholder; ``str()`` is applied.
        :raises ValueError: for a missing or an unexpected part.
        """
        missing = [name for name in self.names if name not in parts]
        extra = sorted(str(key) for key in parts if key not in self.names)
        if missing or extra:
            problems = []
            if missing:
                problems.append(f"missing {', '.join(missing)}")
            if extra:
                problems.append(f"unexpected {', '.join(extra)}")
            raise ValueError(f"route {self.source!r}: {'; '.join(problems)}")
        out = []
        for literal, name, safe in self._template:
            out.append(literal)
            if name:
                out.append(quote(str(parts[name]), safe=safe))
        path = "".join(out)
        return "/%2F" + path[2:] if path.startswith("//") else path

    def __repr__(self) -> str:
        return f"PathPattern({self.source!r})"


def _parse(source: str) -> list[str | tuple[str, str]]:
    """Split *source* into literal text and ``(name, spec)`` placeholders."""

    def fail(problem: str) -> ConfigurationError:
        return ConfigurationError(f"route pattern {source!r}: {problem}")

    if not isinstance(source, str) or not source.startswith("/"):
        raise fail("it must be a string starting with '/'")
    pieces: list[str | tuple[str, str]] = []
    seen: set[str] = set()
    text_start = pos = 0
    while pos < len(source):
        char = source[pos]
        if char == "}":
            raise fail(f"unbalanced '}}' at position {pos}")
        if char != "{":
            pos += 1
            continue
        if pos > text_start:
            pieces.append(source[text_start:pos])
        # Find the matching brace, counting depth so that a regex may nest
        # braces ("{year:\d{4}}"); a backslash escapes the next character.
        depth, end = 1, pos + 1
        while end < len(source) and depth:
            if source[end] == "\\":
                end += 1
            elif source[end] == "{":
                depth += 1
            elif source[end] == "}":
                depth -= 1
            end += 1
        if depth:
            raise fail(f"unbalanced '{{' at position {pos}")
        name, colon, spec = source[pos + 1 : end - 1].partition(":")
        if not name.isidentifier():
            raise fail(f"placeholder name {name!r} is not a Python identifier")
        if name in seen:
            raise fail(f"placeholder name {name!r} is used twice")
        if colon and not spec:
            raise fail(f"placeholder {name!r} has an empty expression")
        seen.add(name)
        pieces.append((name, spec))
        text_start = pos = end
    if text_start < len(source):
        pieces.append(source[text_start:])
    return pieces


def _check_custom(source: str, name: str, spec: str) -> None:
    """Refuse an unknown converter, or an expression that is bad or captures."""
    if _BARE_WORD.fullmatch(spec):
        raise ConfigurationError(
            f"route pattern {source!r}: placeholder {name!r} has an unknown "
            f"converter {spec!r}; the converters are {', '.join(_CONVERTERS)} "
            f"(a regular expression that is not a bare word, such as "
            f"(?:{spec}), matches the word itself)"
        )
    try:
        groups = re.compile(spec, re.DOTALL).groups
    except re.error as exc:
        raise ConfigurationError(
            f"route pattern {source!r}: placeholder {name!r} has a bad "
            f"regular expression {spec!r}: {exc}"
        ) from None
    if groups:
        raise ConfigurationError(
            f"route pattern {source!r}: placeholder {name!r} has a capturing "
            f"group in {spec!r}; use a non-capturing one, (?:...)"
        )


# -- patterns re would match in more than linear time ----------------------


def _backtracks(pieces: Sequence[str | tuple[str, str]]) -> bool:
    """Whether re may take more than linear time to match *pieces*.

    It may when a placeholder follows an unbounded one (any but ``uuid``)
    with no ``/`` between, or when there are two ``path`` placeholders.
    Otherwise the next ``/`` or the end of the path fixes where each
    placeholder but a ``path`` one ends, and for each place where a ``path``
    one may end, re reads no further than a few segments: linear time. A
    custom expression is the application's business: re matches it as is.
    """
    specs = [piece[1] for piece in pieces if isinstance(piece, tuple)]
    if any(spec and spec not in _CONVERTERS for spec in specs):
        return False
    unbounded = False  # an unbounded placeholder, and no '/' since
    for piece in pieces:
        if isinstance(piece, str):
            unbounded = unbounded and "/" not in piece
        elif unbounded:
            return True
        else:
            unbounded = piece[1] != "uuid"
    return specs.count("path") > 1


class Route(NamedTuple):
    """One registered route: a pattern, a view and its conditions."""

    #: The pattern as registered, such as ``"/users/{id:int}"``.
    pattern: str
    #: The callable or class the App calls.
    view: Any
    #: The upper-case methods served, or ``None`` for every method. ``GET``
    #: implies ``HEAD``, unless another route on the pattern claims ``HEAD``.
    methods: frozenset[str] | None
    #: The name for :meth:`Router.url_path`, if any.
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

    Example::

        router = Router()
        router.add("/", home, methods=["GET"], name="home")
        router.freeze()
        found = router.match("/", "GET")
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

        Example::

            router.add("/users/{id:int}", show_user, methods=["GET"], name="user")

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
        checked against the placeholders' expressions. Example::

            router.url_path("user", {"id": 42}, query={"tab": "a b"})
            # '/users/42?tab=a%20b'

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
