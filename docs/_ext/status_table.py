"""Directives that list every status class, read from the module.

``.. status-table::`` writes a table of ``httpx_views.httpexceptions.status_map``
-- code, class, phrase, other names, where the code is defined -- and
``.. status-classes::`` documents each class with autodoc, in order of code,
and each older name as the same class. Both are made when the manual is
built, so they list exactly the classes the module has.

The phrase is the class's ``title``, the one sent in the status line. The
specification of each code is the one thing the module does not hold: it is
listed below, and a code missing from that list is a build warning (an error
under ``-W``), so that a new class cannot be left out of the table's sources.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import httpx_views.httpexceptions as httpexceptions

logger = logging.getLogger(__name__)

_RFC_9110 = "RFC 9110"
# The document that defines each code and its phrase (IANA's HTTP Status
# Code Registry names the same ones).
SPECIFICATIONS: dict[int, str] = {
    **dict.fromkeys(
        (
            *(200, 201, 202, 203, 204, 205, 206),
            *(300, 301, 302, 303, 304, 305, 307, 308),
            *(400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412),
            *(413, 414, 415, 416, 417, 421, 422, 426),
            *(500, 501, 502, 503, 504, 505),
        ),
        _RFC_9110,
    ),
    207: "RFC 4918",
    208: "RFC 5842",
    226: "RFC 3229",
    418: "RFC 2324 (RFC 9110 reserves 418, unused)",
    423: "RFC 4918",
    424: "RFC 4918",
    425: "RFC 8470",
    428: "RFC 6585",
    429: "RFC 6585",
    431: "RFC 6585",
    451: "RFC 7725",
    506: "RFC 2295",
    507: "RFC 4918",
    508: "RFC 5842",
    510: "RFC 2774 (historic)",
    511: "RFC 6585",
}


def _aliases(cls: type) -> list[str]:
    """The module's other public names for *cls* (Pyramid's older names)."""
    return [
        name
        for name in httpexceptions.__all__
        if name != cls.__name__ and getattr(httpexceptions, name) is cls
    ]


class StatusTable(SphinxDirective):
    """A table of every class in ``status_map``, in order of code."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        header = ("Code", "Class", "Phrase", "Also named", "Defined by")
        rows = []
        for code, cls in sorted(httpexceptions.status_map.items()):
            specification = SPECIFICATIONS.get(code)
            if specification is None:
                logger.warning(
                    "status-table: no specification listed for %d (%s) in %s",
                    code,
                    cls.__name__,
                    __file__,
                    location=self.get_location(),
                )
                specification = "?"
            rows.append(
                (
                    str(code),
                    f":class:`~httpx_views.httpexceptions.{cls.__name__}`",
                    cls.title,
                    ", ".join(f"``{alias}``" for alias in _aliases(cls)),
                    specification,
                )
            )
        return self._table(header, rows)

    def _table(
        self, header: tuple[str, ...], rows: list[tuple[str, ...]]
    ) -> list[nodes.Node]:
        table = nodes.table(classes=["status-table"])
        group = nodes.tgroup(cols=len(header))
        table += group
        for width in (6, 34, 30, 34, 24):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += self._row(header)
        group += head
        body = nodes.tbody()
        for row in rows:
            body += self._row(row)
        group += body
        return [table]

    def _row(self, cells: tuple[str, ...]) -> nodes.row:
        row = nodes.row()
        for text in cells:
            entry = nodes.entry()
            # Parsed as reST, so that the class names are cross-references.
            entry += self.parse_text_to_nodes(text)
            row += entry
        return row


class StatusClasses(SphinxDirective):
    """``.. autoexception::`` for every class in ``status_map``, by code."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        module = httpexceptions.__name__
        lines = []
        for _code, cls in sorted(httpexceptions.status_map.items()):
            lines += [f".. autoexception:: {module}.{cls.__name__}", ""]
            for alias in _aliases(cls):
                lines += [
                    f".. py:exception:: {module}.{alias}",
                    "",
                    f"   The same class as :class:`{cls.__name__}`, under the "
                    "name Pyramid gives it.",
                    "",
                ]
        content = StringList(lines, source="<status-classes>")
        container = nodes.container()
        self.state.nested_parse(content, self.content_offset, container)
        return list(container.children)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("status-table", StatusTable)
    app.add_directive("status-classes", StatusClasses)
    return {"version": "1", "parallel_read_safe": True}
