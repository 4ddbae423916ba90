"""Route path patterns: parse one, match paths against it, build paths.

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

Matching takes time linear in the path for every pattern made of built-in
placeholders only, even where they share a segment (``LinearMatcher``). A
pattern with a custom expression is matched by :mod:`re` as written, and re
backtracks: nested quantifiers (``(?:a+)+``), or expressions that can match
the same characters side by side (``{a:[a-z]+}{b:[a-z]+}``), take time
quadratic or worse in the length of a hostile path. Keeping them bounded
(``\\d{1,9}``) or apart (a ``/`` between) is the application's job.

Example:

>>> pattern = PathPattern("/files/{stem}.{ext}")
>>> pattern.match("/files/notes.tar.gz")
{'stem': 'notes.tar', 'ext': 'gz'}
>>> pattern.build({"stem": "a b", "ext": "txt"})
'/files/a%20b.txt'
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ._linear import LinearMatcher

if TYPE_CHECKING:
    from uuid import UUID

__all__ = ["ConfigurationError", "PathPattern"]


# Raised throughout the package. Defined here, in the lowest module that
# raises it, so that routing can import it from here without a cycle.
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
