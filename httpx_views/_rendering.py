"""What HTTP exceptions render their pages with, and the caches that spare work.

Content negotiation chooses a page's media type from the request's
``Accept`` header (HTML, JSON, an RFC 9457 problem document or plain text)
and gives the headers a page of that type is sent with; every HTML page
is an HTML5 document with a style of its own (``_HTML_PAGE``); the template
helpers escape the values a page is filled with and find the placeholders
a body template fills from the response's headers or the environ.

Three caches keep work across requests: the media type of each ``Accept``
value, the placeholders of each template and the rendered pages (which
``HTTPException._page`` fills). Each is keyed on everything its value is
computed from and bounded in size; the comment above each says why it is
safe.
"""

from __future__ import annotations

from html import escape as _html_escape
from string import Template
from typing import TYPE_CHECKING

from webob.acceptparse import AcceptValidHeader, create_accept_header

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment


# -- content negotiation ------------------------------------------------------

_HTML = "text/html"
_JSON = "application/json"
_PROBLEM = "application/problem+json"
_TEXT = "text/plain"
# In order of preference when the client likes several equally (Pyramid
# picks HTML for "*/*").
_OFFERS = (_HTML, _JSON, _PROBLEM, _TEXT)
_CONTENT_TYPES = {
    _HTML: ("Content-Type", "text/html; charset=UTF-8"),
    _JSON: ("Content-Type", "application/json"),
    _PROBLEM: ("Content-Type", "application/problem+json"),
    _TEXT: ("Content-Type", "text/plain; charset=UTF-8"),
}
_BODY_HEADERS = ("content-type", "content-length")
# What webob.Response() starts with.
_DEFAULT_TYPE = ("Content-Type", "text/html; charset=UTF-8")
_NO_LENGTH = ("Content-Length", "0")
_VARY_ACCEPT = ("Vary", "Accept")

# Clients send few distinct Accept values, so negotiating each one once
# makes the common case a dict lookup. Safe: the media type is a pure
# function of the header text, its whole key, and nothing else of a
# request is kept. Bounded: _CACHE_MAX headers of at most _CACHED_ACCEPT_MAX
# characters, about 0.5 MB (browsers send ~150; longer ones are negotiated
# every time). A plain dict is safe under threads: get/set are atomic.
_negotiated: dict[str, str] = {}
_CACHE_MAX = 1000
_CACHED_ACCEPT_MAX = 512


def _specificity(media_range: str) -> int:
    if media_range == "*/*":
        return 0
    return 1 if media_range.endswith("/*") else 2


def _choose_media_type(header: str) -> str:
    accept = create_accept_header(header)
    # As in Pyramid, a malformed header is ignored, as RFC 9110 allows, and
    # the client taken to accept anything: the first offer, HTML.
    if not isinstance(accept, AcceptValidHeader):
        return _HTML
    acceptable = accept.acceptable_offers(_OFFERS)
    if not acceptable:
        return _TEXT
    # WebOb ranks by quality only, so "application/json, */*" would give
    # HTML; at equal quality prefer the offer the client named most
    # precisely. Ranges with parameters never match our bare offers.
    ranked: list[tuple[float, int, int, str]] = []
    for index, (offer, quality) in enumerate(acceptable):
        precision = 0
        for range_, _q, params, _ext in accept.parsed:
            if not params and (
                range_ in (offer, "*/*") or range_ == offer.split("/")[0] + "/*"
            ):
                precision = max(precision, _specificity(range_))
        ranked.append((-quality, -precision, index, offer))
    return min(ranked)[3]


def _length(body: bytes) -> tuple[str, str]:
    return ("Content-Length", str(len(body)))


def _media_type(environ: WSGIEnvironment) -> str:
    """The media type to answer the request of *environ* in."""
    accept = environ.get("HTTP_ACCEPT")
    if not accept:
        return _TEXT
    return _negotiated.get(accept) or _negotiate(accept)


def _negotiate(header: str) -> str:
    """Choose the media type for *header*, and remember it if it is short."""
    media_type = _choose_media_type(header)
    if len(header) <= _CACHED_ACCEPT_MAX:
        if len(_negotiated) >= _CACHE_MAX:
            _negotiated.clear()
        _negotiated[header] = media_type
    return media_type


# -- the HTML page ------------------------------------------------------------

# The style of every HTML page: inline, so a page makes no other request.
# System fonts; a reading width on a wide screen; nothing wider than a
# narrow one (375 px): preformatted text wraps, and so does any word too
# long for the line, but a table's labels stay whole as long as they fit:
# "anywhere" lets a column shrink below its longest word, "break-word" does
# not, so the name-value tables of the debug 500 (class "fields") give their
# labels a column of fixed width. Light or dark, as the reader prefers (the
# color-scheme meta: the checker does not know the CSS property yet).
_STYLE = (
    "body{max-width:50rem;margin:0 auto;padding:0 1rem;line-height:1.5;"
    'font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;'
    "overflow-wrap:anywhere}"
    "h1{font-size:1.5rem;line-height:1.25}"
    "h2{font-size:1.25rem;margin-top:2rem}"
    "pre,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.875rem}"
    "pre{white-space:pre-wrap;padding:.5rem .75rem;border-radius:.25rem;"
    "background:rgba(128,128,128,.12)}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{text-align:left;vertical-align:top;padding:.25rem .5rem;"
    "border-bottom:1px solid rgba(128,128,128,.3)}"
    "th{overflow-wrap:break-word}"
    ".fields{table-layout:fixed}.fields th{width:9rem}"
)

# The page every HTML body goes in (HTTPException.html_template_obj): the
# status line is the title and the heading, ${body} the body template's.
_HTML_PAGE = (
    "<!DOCTYPE html>\n"
    '<html lang="en">\n'
    "<head>\n"
    '<meta charset="utf-8">\n'
    '<meta name="color-scheme" content="light dark">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    "<title>${status}</title>\n"
    f"<style>{_STYLE}</style>\n"
    "</head>\n"
    "<body>\n"
    "<h1>${status}</h1>\n"
    "${body}\n"
    "</body>\n"
    "</html>\n"
)


# -- body templates -----------------------------------------------------------


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _as_html(value: object) -> str:
    return _html_escape(_as_text(value), quote=True)


# Placeholders every body template gets from the exception itself.
_OWN_VARS = frozenset({"br", "explanation", "detail", "comment", "html_comment"})

# What the caches below may hold. Each is keyed on everything its value is
# computed from, holds nothing taken from a request, and is bounded in
# bytes: at most _MAX_ENTRIES entries, whose key texts and value each hold
# at most _MAX_ENTRY_TEXT characters (plus a detail and a comment of at
# most _CACHED_TEXT_MAX), so about 2 MB each whatever clients send;
# anything larger is computed every time instead. A plain dict is safe under
# threads: get and set are atomic, and a lost entry is only recomputed.
_MAX_ENTRIES = 256
_MAX_ENTRY_TEXT = 4096
# Detail and comment texts up to this length are worth caching by: longer
# ones are likely one-offs.
_CACHED_TEXT_MAX = 200

# A template's placeholder names: a pure function of its class and source,
# the key, with nothing of a request; at most _MAX_ENTRIES sources of at
# most _MAX_ENTRY_TEXT characters, about 1 MB.
_lookups_cache: dict[tuple[type[Template], str], frozenset[str]] = {}


def _lookups(template: Template) -> frozenset[str]:
    """Return the placeholders of *template* filled from headers or environ."""
    source = template.template
    key = (type(template), source)  # the class holds the placeholder syntax
    names = _lookups_cache.get(key)
    if names is None:
        names = frozenset(
            name
            for match in template.pattern.finditer(source)
            if (name := match.group("named") or match.group("braced"))
        )
        names -= _OWN_VARS
        if len(source) <= _MAX_ENTRY_TEXT:
            if len(_lookups_cache) >= _MAX_ENTRIES:
                _lookups_cache.clear()
            _lookups_cache[key] = names
    return names


# Rendered pages by everything they are made of (HTTPException._page_key):
# a page that reads the request (a JSON formatter, an environ placeholder)
# is never stored, so no request's data reaches another; at most
# _MAX_ENTRIES pages of at most _MAX_ENTRY_TEXT bytes, keyed on at most as
# many characters, about 2 MB.
_pages: dict[tuple[object, ...], bytes] = {}
