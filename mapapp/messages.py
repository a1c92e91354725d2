"""Bilingual messages for users: text that is English where a machine reads it, Chinese in the page.

A `Msg` is a `str` (its English form, so the CLI, CSV files and logs keep working unchanged)
that also carries its Chinese form. The text is written where the message is made, in both
languages at once, so no module has to keep a separate catalogue in step:

    msg("缺少经度（{col} 为空）", "missing longitude ({col!r} is blank)", col=name)

`text(value, lang)` gives the form for a language; plain strings pass through as they are.
"""

from __future__ import annotations

from typing import Any


class Msg(str):
    """A message: English as the string value, Chinese in `.zh`."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Msg:
        obj = super().__new__(cls, en)
        obj.zh = zh
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # keep the Chinese form through pickling (Streamlit caches, Dask)
        return (Msg, (str(self), self.zh))

    def __add__(self, other: object) -> Msg:
        if isinstance(other, Msg):
            return Msg(str(self) + str(other), self.zh + other.zh)
        return Msg(str(self) + str(other), self.zh + str(other))

    def in_lang(self, lang: str) -> str:
        return self.zh if lang == "zh" else str(self)


def msg(zh: str, en: str, /, **values: object) -> Msg:
    """A message from a Chinese and an English template, formatted with the same `values` (a value
    that is itself a Msg goes in each language in that language's form)."""
    plain = {k: str(v) if isinstance(v, Msg) else v for k, v in values.items()}
    return Msg(en.format(**plain), zh.format(**{k: v.zh if isinstance(v, Msg) else v for k, v in values.items()}))


def join(parts: list[Msg | str], sep_zh: str = "；", sep_en: str = "; ") -> Msg:
    """Several messages as one (each language with its own separator)."""
    return Msg(sep_en.join(str(p) for p in parts), sep_zh.join(text(p, "zh") for p in parts))


def text(value: object, lang: str) -> str:
    """The message in `lang` ("zh" or "en"); anything that is not a Msg as plain text ("" for None)."""
    if value is None:
        return ""
    if isinstance(value, Msg):
        return value.in_lang(lang)
    if isinstance(value, BaseException) and value.args and isinstance(value.args[0], Msg):
        return value.args[0].in_lang(lang)
    return str(value)


def markdown_safe(value: str) -> str:
    """Text from a user or a file, shown through Markdown: every character Markdown acts on escaped,
    so a link or emphasis in a query string or a file's cell is shown as typed, never made live.

    Escapes do not stop GitHub-style autolinks (a bare https://..., www.... or a@b.c), which are
    found in the text after escaping: an invisible word joiner (U+2060) breaks those patterns."""
    for ch in "\\`*_[]<>#|~$":  # not "(" and ")": shown with their backslash, and harmless without "]"
        value = value.replace(ch, "\\" + ch)
    for pattern, broken in ((":/", ":\u2060/"), ("www.", "www\u2060."), ("@", "\u2060@")):
        value = value.replace(pattern, broken)
    return value
