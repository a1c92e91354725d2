"""Interface text of the targets tab: {key: (Chinese, English)}."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "targets_tab": ("规划目标", "Plan targets"),
    "targets_china": ("全国", "China"),
    "targets_jiangxi": ("江西省", "Jiangxi"),
    "targets_every_prefecture": ("各设区市", "Every prefecture-level city"),
    "targets_bound": ("适用范围", "Applies to"),
    "targets_jurisdiction": ("适用层级", "Level"),
    "targets_scope_national": ("全国", "National"),
    "targets_scope_province": ("全省", "Province-wide"),
    "targets_scope_prefecture": ("设区市", "Prefecture"),
    "targets_scope_industry": ("行业", "Industry"),
    "targets_scope_site": ("园区/基地", "Site"),
    "targets_document": ("文件", "Document"),
    "targets_count": ("{n} / {total} 项目标。单击一行查看它适用于哪些园区/基地。",
                      "{n} of {total} targets. Click a row to see which sites it applies to."),
    "targets_pick_hint": ("未选中目标。", "No target chosen."),
    "targets_applies": ("“{target}”适用于 {n} 个园区/基地：", "'{target}' applies to {n} sites: "),
    "targets_applies_all": ("“{target}”是全国或全省目标，适用于所有园区/基地（全国目标为背景）。",
                            "'{target}' is a national or province-wide target: it applies to every site alike "
                            "(a national one as context)."),
    "targets_applies_none": ("登记册中没有园区/基地与“{target}”关联。", "No site in the register is linked to '{target}'."),
    "targets_over_years": ("分年度目标（如《江西工业绿色发展三年行动计划（2016-2018）》的三年分解目标表）",
                           "Targets by year (such as the 2016-2018 decomposition table of the Jiangxi three-year plan)"),
    "targets_chart": ("各年目标值", "By year"),
    "targets_chart_help": ("每行一条折线，按本行数值的范围缩放（看走势）；数值见各年份列，单位见“单位”列",
                           "A line per row, scaled to the row's own range (the trend); the values are in the year columns, the unit in the unit column"),
}
