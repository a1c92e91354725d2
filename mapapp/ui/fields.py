"""How the register's fields and their coded values read in the page (review lists, history, conflicts)."""

from __future__ import annotations

from mapapp.catalog import vocab
from mapapp.i18n import t

# How a register field and its coded values read in the page.
FIELD_TEXT = {"name_zh": "edit_name_zh", "name_en": "edit_name_en", "kind": "kind", "level": "level",
              "prefecture_zh": "prefecture", "county_zh": "county", "town_zh": "edit_town", "industries": "industry",
              "circular_retrofit": "retrofit", "circular_retrofit_as_of": "edit_as_of",
              "circular_retrofit_source": "edit_status_source", "green_park": "green_park", "green_park_as_of": "edit_as_of",
              "green_park_source": "edit_status_source", "area_ha": "edit_area", "sources": "edit_sources",
              "notes": "edit_notes_en", "notes_zh": "edit_notes_zh", "location": "location"}
CODED = {"kind": vocab.SITE_KINDS, "level": vocab.LEVELS, "industries": vocab.INDUSTRIES,
         "circular_retrofit": vocab.RETROFIT_STATUSES, "green_park": vocab.GREEN_PARK_STATUSES}


def field_name(name: str, lang: str) -> str:
    """'截至日期（绿色园区）': a status's date and source are named with their status."""
    label = t(FIELD_TEXT[name], lang) if name in FIELD_TEXT else name
    status = next((s for s in ("circular_retrofit", "green_park") if name.startswith(s + "_")), None)
    if status is None:
        return label
    owner = field_name(status, lang)
    return f"{label}（{owner}）" if lang == "zh" else f"{label} ({owner})"


def value_text(name: str, value: object, lang: str) -> str:
    if value is None:
        return ""
    if name in CODED:
        return "、".join(vocab.label(CODED[name], c, lang) for c in str(value).split(";") if c)
    return str(value)
