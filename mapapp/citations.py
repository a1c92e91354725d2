"""Sources as an official cites them: a plan by its title, issuer and number, not by our file name."""

from __future__ import annotations

import re

# The five plans in shared/seeds/ (README there): title and issuer/date/number as published.
DOCUMENTS: dict[str, tuple[str, str]] = {
    "000_fcda9d054439e48c.txt": ("《江西工业绿色发展三年行动计划（2016-2018）》（江西省，2016）",
                                 "Jiangxi Three-Year Action Plan for Green Industrial Development (2016-2018) (Jiangxi, 2016)"),
    "001_5ab2a8d522d93fe6.txt": ("《江西省“十四五”节能减排综合工作方案》（江西省人民政府，2022-06-06）",
                                 "Jiangxi Comprehensive Work Plan for Energy Saving and Emission Reduction in the 14th "
                                 "Five-Year Plan (Jiangxi Provincial People's Government, 2022-06-06)"),
    "002_57473989b16c45a5.txt": ("《江西省工业领域碳达峰实施方案》（江西省，2022）",
                                 "Jiangxi Implementation Plan for Carbon Peaking in Industry (Jiangxi, 2022)"),
    "003_ceaaba9e87eb4612.txt": ("《“十四五”工业绿色发展规划》（工信部规〔2021〕178号）",
                                 "14th Five-Year Plan for Industrial Green Development (MIIT, 工信部规〔2021〕178号)"),
    "004_177ae42d4a91b7e7.txt": ("《江西省有色金属行业碳达峰实施方案》（赣工信有色字〔2023〕5号）",
                                 "Jiangxi Implementation Plan for Carbon Peaking in the Nonferrous Metals Industry "
                                 "(赣工信有色字〔2023〕5号)"),
}
_FILE = re.compile("|".join(re.escape(name) for name in DOCUMENTS))


def cite(text: str, lang: str = "zh") -> str:
    """`text` with every plan file name replaced by the plan's title ('002_….txt 三(一)3' ->
    '《江西省工业领域碳达峰实施方案》（江西省，2022）三(一)3'); other text as it is."""
    index = 1 if lang == "en" else 0
    return _FILE.sub(lambda m: DOCUMENTS[m.group(0)][index] + (", clause" if lang == "en" else ""), text)


def document_title(document: str, lang: str = "zh") -> str:
    """A plan's title by its file name (the name itself if it is not one of the plans)."""
    return DOCUMENTS[document][1 if lang == "en" else 0] if document in DOCUMENTS else document
