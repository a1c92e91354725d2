"""Maps render the same whether branca compiles their script text as Jinja or not (render/plain_text)."""

from __future__ import annotations

import re

import branca.element
import jinja2
import pytest
from streamlit_folium import _generate_leaflet_string

from mapapp.catalog.catalog import build_catalog
from mapapp.render.plain_text import PlainText, template
from mapapp.render.sitemap import build_map, site_shapes, sites_group

_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize("text", ["", "x", "x\n", "x\n\n", "a\r\nb\rc\n", "  var a = {b: 1};\n  ", "{ {} }", "}}"])
def test_plain_text_renders_as_jinja_would(text: str) -> None:
    assert PlainText(text).render(this=None, kwargs={}) == jinja2.Template(text).render(this=None, kwargs={})


def test_text_with_jinja_syntax_is_still_compiled() -> None:
    assert template("{{ 1 + 1 }}").render() == "2"
    assert isinstance(template("var a = 1;"), PlainText)


def _rendered(monkeypatch: pytest.MonkeyPatch, compiled: bool) -> tuple[str, str]:
    if compiled:
        monkeypatch.setattr(branca.element, "Template", jinja2.Template)
    sites = build_catalog().sites
    group = sites_group(sites, site_shapes(sites), "zh", name="sites", selected=[sites.id.iloc[0]])
    page = build_map([], lang="zh").get_root().render()
    script = _generate_leaflet_string(group)[0]
    monkeypatch.undo()
    return _ID.sub("ID", page), _ID.sub("ID", script)


def test_a_map_renders_the_same_with_its_text_compiled_or_not(monkeypatch: pytest.MonkeyPatch) -> None:
    assert branca.element.Template is template  # installed by importing mapapp.render
    plain, compiled = _rendered(monkeypatch, False), _rendered(monkeypatch, True)
    assert plain[0] == compiled[0] and len(plain[0]) > 10_000
    assert plain[1] == compiled[1] and "cluster" in plain[1]
