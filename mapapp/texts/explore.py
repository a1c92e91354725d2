"""Interface text of the explore part of the page: {key: (Chinese, English)}."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
}
