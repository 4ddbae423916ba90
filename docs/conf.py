"""Sphinx configuration for the httpx_views manual.

Build it with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
(``.ci/run`` does, so a warning or a broken cross-reference fails CI).
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "httpx_views"
author = "The httpx_views developers"
copyright = "2026, The httpx_views developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    # Ours, in docs/_ext:
    "status_table",  # the status classes, read from the module
    "hint_targets",  # bare names in type hints, resolved to what is documented
    "benchmark_table",  # benchmarks/results.json as a table, beside its chart
]

# Every reference must resolve: a typo in :class:`...` or :doc:`...` is a
# warning, and -W makes it an error. Names from other projects cannot be
# resolved without their inventories (no intersphinx: the build works offline),
# so those alone are let through, by pattern.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"webob(\..*)?"),
    (r"py:.*", r"jinja2(\..*)?"),
    (r"py:.*", r"waitress(\..*)?"),
    (r"py:.*", r"pyramid(\..*)?"),
    # The standard library, for the same reason: the type hints name
    # collections.abc.Callable, datetime.datetime, string.Template ...
    (
        r"py:.*",
        r"(collections\.abc|typing|types|datetime|http|string|re|os|io|uuid"
        r"|argparse|logging|threading)(\..*)?",
    ),
    (r"py:class", r"datetime"),  # the class, as an unevaluated hint names it
    # PEP 3333's types, from typeshed: they exist only for type checkers.
    (r"py:class", r"WSGIApplication|WSGIEnvironment|StartResponse"),
    # WebOb's, named as imported in a hint (Response.cache_control).
    (r"py:class", r"CacheControl"),
    # DummyRequest's private alias for "a mapping or pairs", which its
    # :param params: text describes.
    (r"py:class", r"_Params"),
]

autodoc_typehints = "description"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}

exclude_patterns = ["_build"]
html_theme = "furo"
html_title = "httpx_views"
html_static_path = ["_static"]
