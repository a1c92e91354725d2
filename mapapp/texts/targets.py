"""Interface text of the targets part of the page: {key: (Chinese, English)}."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
}
