"""Sources as an official cites them: a plan by its title, issuer and number, not by our file name;
a reported fact by the document it reports, not by our notes file."""

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

# Facts gathered in shared/reference/facts.md, cited as the document they report (with how reliable
# the copy is), not as our notes file. Keys are the tokens the tables' source columns use.
REPORTED: dict[str, tuple[str, str]] = {
    "facts.md §3 first recognised chemical parks 2021-04-16 (jsppa.com.cn/news/safe/4576.html)":
        ("江西省第一批认定化工园区名单（2021-04-16；转载：jsppa.com.cn/news/safe/4576.html，待核实）",
         "Jiangxi's first list of recognised chemical parks (2021-04-16; repost at jsppa.com.cn/news/safe/4576.html, to verify)"),
    "facts.md §3 2013 provincial circular-retrofit pilot parks (repost of 赣南日报)":
        ("江西省2013年省级园区循环化改造试点名单（《赣南日报》报道的转载，待核实）",
         "Jiangxi's 2013 provincial pilot parks for circular retrofit (repost of a 赣南日报 report, to verify)"),
    "facts.md §3 national ETDZ list as of 2024-10 (repost of 国办函〔2024〕83号)":
        ("国家级经济技术开发区名单（截至2024年10月；国办函〔2024〕83号，转载）",
         "National economic and technological development zones as of 2024-10 (国办函〔2024〕83号, repost)"),
    "facts.md §3 national high-tech zone list (weak source)":
        ("国家高新技术产业开发区名单（来源较弱，待核实）", "National high-tech zones (weak source, to verify)"),
    "facts.md §3 MIIT green industrial parks 3rd batch 2019 (repost of 江西日报)":
        ("工业和信息化部第三批绿色园区名单（2019年；《江西日报》报道的转载，待核实）",
         "MIIT green industrial parks, 3rd batch (2019; repost of a 江西日报 report, to verify)"),
    "facts.md §4 site-location descriptions (no source given there)":
        ("位置描述（未注明出处，待核实）", "Location description (no source given, to verify)"),
    "facts.md §3 circular-retrofit pilot (self-description of the zone)":
        ("园区自述为国家园区循环化改造试点（年份未知）", "The zone's own statement that it is a national circular-retrofit pilot (year unknown)"),
    "facts.md §3 provincial zone expansion (赣府厅字〔2023〕71号)":
        ("江西省人民政府办公厅 赣府厅字〔2023〕71号（省级开发区扩区）",
         "General Office of the Jiangxi Provincial Government, 赣府厅字〔2023〕71号 (provincial zone expansions)"),
    "facts.md §3 provincial zone expansion (赣府厅字〔2024〕1号)":
        ("江西省人民政府办公厅 赣府厅字〔2024〕1号（省级开发区扩区）",
         "General Office of the Jiangxi Provincial Government, 赣府厅字〔2024〕1号 (provincial zone expansions)"),
    "facts.md §3 provincial zone expansion (ganzhou.gov.cn 2023-08-25 official)":
        ("赣州市人民政府网站（2023-08-25，省级开发区扩区）", "Ganzhou municipal government website (2023-08-25, provincial zone expansions)"),
    "facts.md §3 ndrc.gov.cn/fggz/dqzx/zyxdqzxfz/201707/t20170726_1084810.html":
        ("国家发展改革委2017年园区循环化改造示范试点名单（ndrc.gov.cn/fggz/dqzx/zyxdqzxfz/201707/t20170726_1084810.html）",
         "NDRC's 2017 national circular-retrofit shortlist (ndrc.gov.cn/fggz/dqzx/zyxdqzxfz/201707/t20170726_1084810.html)"),
    "facts.md §3 national industrial resource-utilisation bases (ruijin.gov.cn 2024-02)":
        ("国家工业资源综合利用基地（瑞金市政府网站报道，2024-02）",
         "National industrial resource-utilisation bases (report on ruijin.gov.cn, 2024-02)"),
    "facts.md §3 chemical designation removals 2025-09 (赣州)":
        ("赣州市取消信丰、大余、定南园区化工定位（2025-09）",
         "赣州's removal of the chemical designation of the 信丰, 大余 and 定南 zones (2025-09)"),
    "facts.md §3 urban-mine demonstration base 6th batch 2015":
        ("国家“城市矿产”示范基地第六批（2015年）", "National urban-mine (城市矿产) demonstration bases, 6th batch (2015)"),
    "facts.md §3 永丰县 national bulk solid-waste utilisation base":
        ("国家大宗固体废弃物综合利用基地（永丰县；原始出处未注明，待核实）",
         "National bulk solid-waste utilisation base (永丰县; original source not given, to verify)"),
    "GB/T 37028-2018《全国主要经济功能区分类与代码》, code":
        ("GB/T 37028-2018《全国主要经济功能区分类与代码》，代码",
         "GB/T 37028-2018 Classification and codes of China's main economic function zones, code"),
}
_REPORTED = re.compile("|".join(re.escape(token) for token in sorted(REPORTED, key=len, reverse=True)))


def cite(text: str, lang: str = "zh") -> str:
    """`text` with every plan file name replaced by the plan's title ('002_….txt 三(一)3' ->
    '《江西省工业领域碳达峰实施方案》（江西省，2022）三(一)3'); other text as it is."""
    index = 1 if lang == "en" else 0
    text = _REPORTED.sub(lambda m: REPORTED[m.group(0)][index], text)
    return _FILE.sub(lambda m: DOCUMENTS[m.group(0)][index] + (", clause" if lang == "en" else ""), text)


def document_title(document: str, lang: str = "zh") -> str:
    """A plan's title by its file name (the name itself if it is not one of the plans)."""
    return DOCUMENTS[document][1 if lang == "en" else 0] if document in DOCUMENTS else document
