"""Match route patterns of built-in placeholders in time linear in the path.

``re`` backtracks: for ``{a}-{b}`` it tries each ``-`` of a long segment as
the end of ``a``, scanning the rest of the segment for ``b`` after each one:
quadratic time, cubic with three placeholders. :class:`LinearMatcher` finds
the same values without backtracking; :mod:`httpx_views._path_pattern` uses it for
the patterns where nothing fixes where a placeholder ends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["LinearMatcher"]

_DIGITS = "0123456789"
_HEX = "0123456789abcdefABCDEF"
_UUID = tuple(_HEX if c == "x" else c for c in "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
# The characters each built-in placeholder needs to find in a text.
_NEEDS = {"": ("/",), "int": (_DIGITS,), "float": (_DIGITS, "."), "uuid": _UUID}
_NON_DIGIT = re.compile("[^0-9]")
# On n characters, re backtracks through up to about n ** k steps for k
# unbounded quantifiers. A text short enough for that to stay under
# _RE_STEPS is left to re: its worst case then costs about what
# LinearMatcher does (some microseconds), and a usual path much less.
_RE_STEPS = 1024


class LinearMatcher:
    """Match built-in placeholders as re does, in time linear in the text.

    re gives each placeholder in turn the longest value that lets the rest
    match. Two passes find it: right to left, the set of positions from
    which each piece and those after it match; left to right, the longest
    value of each placeholder that ends where the next piece's set allows.
    A set is an int, bit ``n - i`` for position ``i`` of the ``n``
    characters, so each step is a few operations on whole ints, in C.
    """

    __slots__ = ("_min_length", "_pieces", "_tables", "re_below")

    def __init__(self, pieces: Sequence[str | tuple[str, str]]) -> None:
        self._pieces = tuple(pieces)
        specs = [p[1] for p in pieces if isinstance(p, tuple)]
        quantifiers = len(specs) + specs.count("float") - specs.count("uuid")
        #: Shorter texts are left to re (see _RE_STEPS).
        self.re_below = round(_RE_STEPS ** (1 / max(quantifiers, 1)))
        self._min_length = sum(
            len(p) if isinstance(p, str) else 36 if p[1] == "uuid" else 1
            for p in pieces
        )
        needs = {
            chars
            for p in pieces
            for chars in (p if isinstance(p, str) else _NEEDS.get(p[1], ()))
        }
        # bytes.translate tables from ASCII text to the flags b"0" and b"1".
        self._tables = {
            chars: bytes(49 if chr(byte) in chars else 48 for byte in range(256))
            for chars in needs
        }

    def match(self, text: str) -> dict[str, str] | None:
        """Return the placeholder values if *text* matches, else ``None``."""
        n = len(text)
        if n < self._min_length:
            return None
        # One byte a character: any but ASCII reads as '?', in no class.
        codes = text.encode("ascii", "replace")
        where = {
            chars: _positions(text, codes, chars, table)
            for chars, table in self._tables.items()
        }
        ends = []  # where each piece may end, last piece first
        starts = 1  # bit 0: the end of the text
        for piece in reversed(self._pieces):
            ends.append(starts)
            starts = _starts(piece, starts, where, n)
        if not starts >> n & 1:
            return None
        values = {}
        position = 0
        for piece, allowed in zip(self._pieces, reversed(ends), strict=True):
            if isinstance(piece, str):
                position += len(piece)
                continue
            end = _longest(piece[1], text, position, allowed)
            values[piece[0]] = text[position:end]
            position = end
        return values


def _positions(text: str, codes: bytes, chars: str, table: bytes) -> int:
    """The set of positions in *text* holding one of *chars*."""
    if chars.isascii() and (chars != "?" or text.isascii()):
        flags: bytes | bytearray = codes.translate(table)
    else:  # a character that codes cannot tell from others
        flags = bytearray(b"0") * len(text)
        index = text.find(chars)
        while index >= 0:
            flags[index] = 49
            index = text.find(chars, index + 1)
    return int(flags, 2) << 1


def _starts(
    piece: str | tuple[str, str], ends: int, where: dict[str, int], n: int
) -> int:
    """The positions from which *piece* matches, ending at one in *ends*."""
    if isinstance(piece, str) or piece[1] == "uuid":
        classes = piece if isinstance(piece, str) else _UUID
        found = ends << len(classes)
        for offset, chars in enumerate(classes):
            found &= where[chars] << offset
        return found
    if piece[1] in ("", "path"):
        everything = ((1 << n) - 1) << 1
        return _run(everything & ~where["/"] if piece[1] == "" else everything, ends)
    if piece[1] == "float":
        ends |= where["."] & (_run(where[_DIGITS], ends) << 1)
    return _run(where[_DIGITS], ends)


def _run(members: int, ends: int) -> int:
    """The positions from which a run of *members* reaches one in *ends*."""
    # Seeds: the members just before a position in ends. Adding them to the
    # members carries each towards the start of its run (higher bits),
    # flipping the bits it passes, up to the first non-member.
    seeds = (ends << 1) & members
    return (((members + seeds) ^ members) | seeds) & members


def _longest(spec: str, text: str, start: int, ends: int) -> int:
    """Where the longest *spec* value from *start* that ends in *ends* ends."""
    if spec == "uuid":
        return start + 36
    if spec in ("", "path"):
        slash = text.find("/", start) if spec == "" else -1
        return _last(ends, start + 1, len(text) if slash < 0 else slash, text)
    digits = _digits_end(text, start)
    if spec == "float" and text.startswith(".", digits):
        end = _last(ends, digits + 2, _digits_end(text, digits + 1), text)
        if end >= 0:
            return end
    return _last(ends, start + 1, digits, text)


def _digits_end(text: str, start: int) -> int:
    found = _NON_DIGIT.search(text, start)
    return len(text) if found is None else found.start()


def _last(ends: int, low: int, high: int, text: str) -> int:
    """The last position from *low* to *high* in *ends*, or -1."""
    window = (ends >> (len(text) - high)) & ((1 << (high - low + 1)) - 1)
    return high + 1 - (window & -window).bit_length() if window else -1
