"""The HTML page every error page goes in, and the escaping that fills it.

Mirrors ``httpx_views/_rendering.py`` for what can be checked without an
exception: the page template and ``_as_html``. Negotiation and the caches,
which are seen through the exceptions that use them, are tested in
``test_httpexceptions.py``; that the pages pass the W3C checker, in
``test_html_pages.py``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from string import Template

import pytest

from httpx_views import _rendering
from httpx_views._rendering import _HTML_PAGE, _STYLE, _as_html

# Elements without an end tag.
_VOID = {"meta", "br"}


class _Elements(HTMLParser):
    """The start tags of a page, with their attributes, its doctype, and the
    text of each element; an end tag that closes no open element fails."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doctype: str | None = None
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, str] = {}
        self._open: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in _VOID:
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self._open.pop() == tag

    def handle_data(self, data: str) -> None:
        if self._open:
            tag = self._open[-1]
            self.text[tag] = self.text.get(tag, "") + data


def _elements(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


def _filled(status: str = "404 Not Found", body: str = "<p>body</p>") -> str:
    return Template(_HTML_PAGE).safe_substitute(status=status, body=body)


def test_page_is_html5_in_english_utf8_and_scaled_to_the_device() -> None:
    page = _filled()
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">\n<head>\n')
    elements = _elements(page)
    assert elements.doctype == "DOCTYPE html"
    names = [tag for tag, _ in elements.tags]
    # The charset first: a browser looks for it in the first 1,024 bytes.
    assert names[:3] == ["html", "head", "meta"]
    assert elements.tags[2][1] == {"charset": "utf-8"}
    assert ("meta", {"name": "color-scheme", "content": "light dark"}) in (
        elements.tags
    )
    assert (
        "meta",
        {"name": "viewport", "content": "width=device-width, initial-scale=1"},
    ) in elements.tags
    assert names.count("title") == 1
    assert names.count("style") == 1
    assert names.index("style") < names.index("body")


def test_page_title_and_heading_are_the_status_line() -> None:
    elements = _elements(_filled(status="418 I'm a teapot"))
    assert elements.text["title"] == "418 I'm a teapot"
    assert elements.text["h1"] == "418 I'm a teapot"


def test_page_puts_the_body_inside_body_after_the_heading() -> None:
    page = _filled(body="<p>the body</p>")
    assert page.endswith("<h1>404 Not Found</h1>\n<p>the body</p>\n</body>\n</html>\n")


@pytest.mark.parametrize(
    "reference", ["<link", "<script", "src=", "href=", "url(", "@import", "//"]
)
def test_page_makes_no_other_request(reference: str) -> None:
    assert reference not in _HTML_PAGE


def _rules(css: str) -> dict[str, dict[str, str]]:
    """The declarations of each selector of a flat stylesheet."""
    rules: dict[str, dict[str, str]] = {}
    for selectors, block in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = dict(
            (part.split(":", 1)[0].strip(), part.split(":", 1)[1].strip())
            for part in block.split(";")
            if part.strip()
        )
        for selector in selectors.split(","):
            rules.setdefault(selector.strip(), {}).update(declarations)
    return rules


def test_style_keeps_everything_inside_a_narrow_screen() -> None:
    rules = _rules(_STYLE)
    # A word longer than the line breaks anywhere, in every element
    # (the property is inherited), and counts so in a table's column widths.
    assert rules["body"]["overflow-wrap"] == "anywhere"
    # Preformatted text (a traceback) wraps instead of widening the page.
    assert rules["pre"]["white-space"] == "pre-wrap"
    assert rules["table"]["width"] == "100%"
    # A label stays whole (its column is never narrower than its longest
    # word) but for a name-value table, whose labels get a column of their
    # own width, where only a label longer than that breaks.
    assert rules["th"]["overflow-wrap"] == "break-word"
    assert rules[".fields"]["table-layout"] == "fixed"
    assert rules[".fields th"]["width"] == "9rem"
    # Lines of reading length on a wide screen.
    assert rules["body"]["max-width"] == "50rem"
    assert "system-ui" in rules["body"]["font-family"]


def test_page_leaves_room_for_a_cached_page() -> None:
    # The page cache keeps pages up to _MAX_ENTRY_TEXT bytes, and their key
    # counts the template's size: a default page with the longest detail
    # and comment the cache takes, each escaped at worst ("&quot;" for '"'),
    # must still fit, or the cache would silently stop working.
    worst = _as_html('"' * _rendering._CACHED_TEXT_MAX)
    body = f"{'e' * 200}<br/><br/>\n{worst}\n<!-- {worst} -->\n"
    page = _filled(status="511 Network Authentication Required", body=body)
    assert len(page.encode()) <= _rendering._MAX_ENTRY_TEXT


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("<script>x</script>", "&lt;script&gt;x&lt;/script&gt;"),
        ("a & b", "a &amp; b"),
        ("\"double\" 'single'", "&quot;double&quot; &#x27;single&#x27;"),
        (None, ""),
        (b"caf\xc3\xa9 \xff", "café \ufffd"),
        (42, "42"),
    ],
)
def test_as_html_escapes_markup_and_quotes(value: object, shown: str) -> None:
    assert _as_html(value) == shown
