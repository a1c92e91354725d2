"""The shoreline rules the screening applies, quoted with their documents and clauses, so that a
report can show what a verdict is measured against. Quotes are exact where we hold the text
(shared/seeds); the Jiangxi scope's wider rule is known only from a repost and is summarised as such."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleText:
    scopes: tuple[str, ...]  # the screening scopes it stands behind
    quote_zh: str  # exact words, or a summary when `quoted` is False
    gloss_en: str
    document_zh: str
    document_en: str
    clause: str
    quoted: bool = True
    reliability_zh: str = ""
    reliability_en: str = ""


RULES: tuple[RuleText, ...] = (
    RuleText(("yangtze", "jiangxi"),
             "推进化工园区达标认定和规范建设，严禁在长江干支流岸线1公里范围内新建、扩建化工园区和化工项目。"
             "沿江1公里外新（扩、改）建化工项目应符合国家和我省有关政策要求。",
             "No new or expanded chemical parks or chemical projects within 1 km of the shoreline of the Yangtze "
             "and its tributaries; new chemical projects beyond 1 km must meet national and provincial policy.",
             "《江西省工业领域碳达峰实施方案》", "Jiangxi implementation plan for carbon peaking in industry (2022)",
             "三（一）3"),
    RuleText(("yangtze", "jiangxi"),
             "长江经济带。加强化工园区整治提升和污染治理,长江干支流 1 公里范围内严禁新建扩建化工项目,开展沿江工业节水减污。",
             "Yangtze Economic Belt: no new or expanded chemical projects within 1 km of the Yangtze and its "
             "tributaries.",
             "《“十四五”工业绿色发展规划》（工信部规〔2021〕178号）",
             "MIIT, 14th Five-Year Plan for green industrial development (MIIT Plan [2021] No. 178)", "专栏2"),
    RuleText(("jiangxi",),
             "长江江西段、赣江、抚河、信江、饶河、修河岸线及鄱阳湖周边1公里范围内不得新建重化工项目；"
             "5公里范围内不得新建以重化工为主导的工业园区；1公里范围内园区外的化工企业于2020年前搬离。",
             "No new heavy-chemical projects within 1 km of the banks of the Yangtze in Jiangxi, the Gan, Fu, Xin, "
             "Rao and Xiu rivers and around Poyang Lake; no new industrial parks led by heavy chemicals within 5 km; "
             "chemical firms outside parks within 1 km to move out by 2020.",
             "《鄱阳湖生态环境综合整治三年行动计划（2018-2020年）》",
             "Three-year action plan for the environment of Poyang Lake (2018-2020)", "",
             quoted=False, reliability_zh="据转载（mczyw.com/news/59/291658.html）概述，非原文，待核实",
             reliability_en="summarised from a repost (mczyw.com/news/59/291658.html), not the original text; to be verified"),
)
