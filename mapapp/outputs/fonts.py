"""The CJK font that printed maps and reports are set in: found on the machine, never downloaded."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from mapapp._errors import MapAppError
from mapapp.messages import msg

# Debian's fonts-wqy-microhei (scripts/app.sh installs it) first, then other common CJK sans fonts.
CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


class FontMissingError(MapAppError):
    """No font on this machine can set Chinese text."""


@cache
def cjk_font() -> Path:
    for candidate in CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise FontMissingError(msg("服务器上没有中文字体，无法生成 PDF/PNG：请安装 fonts-wqy-microhei（apt install fonts-wqy-microhei）",
                               "no Chinese font on this server, so no PDF or PNG can be made: install fonts-wqy-microhei "
                               "(apt install fonts-wqy-microhei)"))
