"""Templates: Jinja2 pages from views that return a ``dict``.

Give the App a template directory (or a Jinja2 ``Environment``) and name a
template on a route; the view returns the values the template renders:

>>> import pathlib, tempfile
>>> from httpx_views import App
>>> directory = pathlib.Path(tempfile.mkdtemp())
>>> _ = (directory / "note.html").write_text(
...     '<a href="{{ route_path("note", id=id) }}">{{ note }}</a>'
... )
>>> NOTES = {1: "Buy <milk>"}
>>> app = App(templates=directory)
>>> @app.route("/notes/{id:int}", name="note", renderer="note.html")
... def note(request):
...     id = request.matchdict["id"]
...     return {"id": id, "note": NOTES[id]}
>>> from webtest import TestApp
>>> TestApp(app).get("/notes/1").text
'<a href="/notes/1">Buy &lt;milk&gt;</a>'
>>> import shutil; shutil.rmtree(directory)

Inside every template, ``request``, ``route_url``, ``route_path`` and
``static_url`` are the request's own. A template is sent as the type its
extension names (``*.html``: ``text/html; charset=UTF-8``), and as HTML if
it names none; what is sent as HTML or XML is autoescaped, so that
``*.txt`` is not and ``page.jinja`` is. A view may also render explicitly, with
:meth:`Request.render <httpx_views.Request.render>`.

Jinja2 is an optional extra: ``pip install 'httpx_views[jinja2]'``.
"""

from __future__ import annotations

import functools
import mimetypes
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import webob

from ._results import _HTTP_EXCEPTIONS, _as_response
from ._views import _class_view_method
from .routing import ConfigurationError

if TYPE_CHECKING:
    from typing import TypeAlias

    import jinja2

    from .request import Request

    #: What ``App(templates=...)`` takes.
    TemplateSource: TypeAlias = (
        "str | os.PathLike[str] | jinja2.Environment | Templates"
    )

__all__ = ["Templates"]

_INSTALL = "pip install 'httpx_views[jinja2]'"

# The headers of an HTTP exception that describe its own page: a template's
# page replaces them. Its other headers (Allow, Location, WWW-Authenticate)
# belong to the answer and are kept.
_PAGE_HEADERS = frozenset({"content-type", "content-length"})


def _jinja2() -> Any:
    try:
        import jinja2
    except ImportError:
        raise ConfigurationError(f"templates need Jinja2: {_INSTALL}") from None
    return jinja2


class Templates:
    """The Jinja2 templates of an App: ``App(templates=...)`` makes one.

    >>> import jinja2
    >>> loader = jinja2.DictLoader({"hello.html": "<p>Hello, {{ name }}!</p>"})
    >>> templates = Templates(jinja2.Environment(loader=loader, autoescape=True))
    >>> templates.render("hello.html", {"name": "<World>"})
    '<p>Hello, &lt;World&gt;!</p>'

    :param source: a directory of templates, or a ``jinja2.Environment``,
        used as it is (its own loader, autoescape and undefined).
    :raises ConfigurationError: without Jinja2 installed, or for a
        directory that is not one.
    """

    def __init__(self, source: str | os.PathLike[str] | jinja2.Environment) -> None:
        jinja = _jinja2()
        if isinstance(source, jinja.Environment):
            self.environment: jinja2.Environment = source
            return
        if isinstance(source, (str, os.PathLike)) and os.path.isdir(source):
            # Jinja2 caches compiled templates, keyed on their names: code
            # from the directory, never a request's values (those are only
            # passed to render), and at most its cache_size (400) of them.
            self.environment = jinja.Environment(
                loader=jinja.FileSystemLoader(os.fspath(source)),
                autoescape=_autoescape,
            )
            return
        raise ConfigurationError(
            f"templates is a directory or a jinja2.Environment, not {source!r}"
        )

    def check(self, name: str, used_by: str) -> None:
        """Load template *name* now, so that a typo fails at registration."""
        jinja = _jinja2()
        try:
            self.environment.get_template(name)
        except jinja.TemplateNotFound:
            raise ConfigurationError(
                f"{used_by}: no template {name!r} in {self._where()}"
            ) from None
        except jinja.TemplateSyntaxError as exc:
            raise ConfigurationError(
                f"{used_by}: template {name!r} line {exc.lineno}: {exc.message}"
            ) from None

    def _where(self) -> str:
        searchpath = getattr(self.environment.loader, "searchpath", None)
        return ", ".join(searchpath) if searchpath else "the Environment's loader"

    def render(
        self,
        name: str,
        values: Mapping[str, Any] | None = None,
        request: Request | None = None,
    ) -> str:
        """Render template *name* with *values* (and *request*'s helpers)."""
        context: dict[str, Any] = {}
        if request is not None:
            context.update(
                request=request,
                route_url=request.route_url,
                route_path=request.route_path,
                static_url=request.static_url,
            )
        if values:
            context.update(values)
        page: str = self.environment.get_template(name).render(context)
        return page

    def response(
        self,
        request: Request,
        name: str,
        values: Mapping[str, Any] | None = None,
    ) -> webob.Response:
        """Render *name* into ``request.response``, typed by its extension."""
        response = request.response
        response.content_type = _content_type(name)
        response.charset = "UTF-8"
        response.text = self.render(name, values, request)
        return response


def _content_type(name: str) -> str:
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "text/html"


def _autoescape(name: str | None) -> bool:
    """Escape a template sent as HTML or XML: the type and the escaping agree.

    (*name* is ``None`` for a template made from a string: escaped.)
    """
    if name is None:
        return True
    media_type = _content_type(name)
    return media_type == "text/html" or media_type.endswith(("/xml", "+xml"))


def rendered(
    templates: Templates | None,
    view: Callable[..., Any] | type[Any],
    name: str,
    used_by: str,
    *,
    for_exceptions: bool = False,
) -> Callable[[Request], Any]:
    """Wrap *view* so that a ``dict`` it returns is rendered with *name*.

    Anything else it returns (a response, an HTTP exception, text) passes
    through. For an exception view (*for_exceptions*), the page answers
    with the HTTP exception's status and its headers but the page's own
    (``Allow``, ``Location``, ``WWW-Authenticate``), and 500 for any other
    exception; the view may still change ``request.response.status``.

    :param used_by: what names the template, for errors: ``route '/'``.
    :raises ConfigurationError: without templates, or for a template that
        cannot be loaded.
    """
    if templates is None:
        raise ConfigurationError(
            f"{used_by} names template {name!r} but the App has no templates: "
            f"App(templates='a/directory'), with Jinja2 installed: {_INSTALL}"
        )
    templates.check(name, used_by)
    call: Callable[[Request], Any]
    if isinstance(view, type):
        cls = view

        def call(request: Request) -> Any:
            return _class_view_method(cls(), request.method)(request)

    else:
        call = view

    def render_dict(request: Request) -> Any:
        if for_exceptions:
            _answer_as_exception(request)
        result = call(request)
        if type(result) is dict:
            return templates.response(request, name, result)
        return result

    functools.update_wrapper(render_dict, view)
    return render_dict


def _answer_as_exception(request: Request) -> None:
    """Give ``request.response`` the status and headers of the exception."""
    exc = request.exception
    response = request.response
    if not isinstance(exc, _HTTP_EXCEPTIONS):
        response.status_int = 500
        return
    answer = _as_response(exc)
    assert isinstance(answer, webob.Response)
    response.status = answer.status
    for header, value in answer.headerlist:
        if header.lower() not in _PAGE_HEADERS:
            response.headerlist.append((header, value))
