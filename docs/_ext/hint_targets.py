"""Resolve the bare names that type hints leave to our documented objects.

autodoc shows a hint it cannot evaluate as written. Our modules import some
names for type checkers only (``if TYPE_CHECKING:``), and a hint naming one
(``templates: TemplateSource | None`` on ``App``) then stays a bare
``TemplateSource``, which Sphinx looks up in the module the object is
documented under (``httpx_views``) and does not find. This resolves such a
bare name to the one documented object of that name, and only when there is
exactly one: a name that is nowhere documented, or documented twice, is still
a warning.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def _resolve_bare_name(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: nodes.Element
) -> nodes.Element | None:
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target or "." in target:
        return None
    domain: Any = env.get_domain("py")
    # Not the aliases autodoc adds (``httpx_views.app.App`` for
    # ``httpx_views.App``): they name the same object twice.
    found = [
        name
        for name, entry in domain.objects.items()
        if name.startswith("httpx_views.")
        and name.endswith("." + target)
        and not entry.aliased
    ]
    if len(found) != 1:
        return None
    resolved: nodes.Element | None = domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], found[0], node, contnode
    )
    return resolved


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("missing-reference", _resolve_bare_name)
    return {"version": "1", "parallel_read_safe": True}
