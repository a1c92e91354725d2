"""Rendering a folium map without compiling its script text as Jinja templates.

branca's MacroElement.render wraps each element's rendered script, header and html in a new
`Element(text)`, and Element compiles that text as a Jinja template, only to render it back as the
same text. On our map that compiling was about a sixth of every page run (py-spy, a filter change).
Text without Jinja syntax renders to itself, less one trailing newline and with line ends made
"\\n" (Jinja's defaults), so such text gets a stand-in that returns it that way; any other text is
compiled as before.
"""

from __future__ import annotations

from typing import Any

import branca.element
import jinja2

_JINJA_MARKS = ("{{", "{%", "{#")


class PlainText:
    """Renders like `jinja2.Template(text)` for text without Jinja syntax."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        self._text = text[:-1] if text.endswith("\n") else text

    def render(self, *args: Any, **kwargs: Any) -> str:
        return self._text


def template(text: str) -> jinja2.Template | PlainText:
    """A compiled template for `text`, or a PlainText when it holds no Jinja syntax."""
    if any(mark in text for mark in _JINJA_MARKS):
        return jinja2.Template(text)
    return PlainText(text)


def install() -> None:
    """Let branca's elements made from text use `template` (idempotent)."""
    branca.element.Template = template  # type: ignore[assignment, misc]
