"""Interface text of exploring the map: the site panel, selection, search, choropleths, measuring."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # The site panel beside the map
    "panel_hint": ("单击地图上的园区/基地符号、在下方表格中勾选行，或在侧栏搜索，即可在此查看详情。",
                   "Click a park or base on the map, tick rows in the table below, or search in the sidebar to see it here."),
    "panel_rule": ("{scope}，{distance:,.0f}米", "{scope}, {distance:,.0f} m"),
    "panel_nearest": ("最近距离", "Nearest"),
    "panel_targets_own": ("本园区/基地适用的目标（{n}项）", "Its own targets ({n})"),
    "panel_targets_prefecture": ("所在设区市的目标（{n}项）", "Targets of its prefecture-level city ({n})"),
    "panel_targets_province": ("全省目标（{n}项，适用于所有园区/基地）", "Province-wide targets ({n}, apply to every site)"),
    "panel_targets_national": ("全国目标（{n}项，背景，不是本园区的目标）", "National targets ({n}, context, not its own)"),
    "panel_no_targets": ("无", "None"),
    "panel_pick": ("已选中 {n} 处，查看：", "{n} selected; show:"),
    "panel_history": ("修改记录", "History"),
    "notes_label": ("备注", "Notes"),
    "target_unit": ("单位", "Unit"),
    "target_baseline": ("基准年", "Base year"),
    # Export of the selection
    "region_selection": ("选中的园区/基地（{n} 处）", "Selected sites ({n})"),
    "region_name_selection": ("选中园区", "selection"),
    "no_selection": ("尚未选中园区/基地：在地图上单击、在表格中勾选或用所画范围选中。",
                     "Nothing is selected: click a site on the map, tick rows in the table or select by a drawn shape."),
    # Measuring
    "measure_heading": ("所画图形（按椭球面计算）：", "Drawn shapes (on the ellipsoid): "),
    "measure_line": ("线{i} 长 {km:,.2f} 公里", "line {i}: {km:,.2f} km"),
    "measure_area": ("面{i} 面积 {km2:,.2f} 平方公里、周长 {km:,.2f} 公里", "area {i}: {km2:,.2f} km², perimeter {km:,.2f} km"),
    # Search
    "search": ("搜索", "Search"),
    "search_placeholder": ("名称、拼音、代码或坐标", "Name, pinyin, code or coordinates"),
    "search_help": ("园区/基地、设区市、县（市、区）的名称或其一部分（中文、拼音或英文）；GB/T 37028 代码或行政区划代码；"
                    "坐标：经纬度（如 115.9, 28.7 或 东经115°54′36″ 北纬28°40′），或 CGCS2000 高斯-克吕格 X/Y"
                    "（带号前缀，或写明“39带”“中央子午线117”）。",
                    "A park, base, prefecture or county by its name or part of it (Chinese, pinyin or English); a "
                    "GB/T 37028 code or an adcode; coordinates: degrees (115.9, 28.7 or 115°54′36″E 28°40′N) or "
                    "CGCS2000 Gauss-Krüger X/Y (with the zone prefix, or 'zone 39' / 'CM 117')."),
    "search_none": ("没有找到。", "Nothing found."),
    # Thematic maps
    "thematic": ("专题图（分级设色）", "Thematic map (choropleth)"),
    "thematic_on": ("显示专题图", "Show a thematic map"),
    "thematic_level": ("统计单元", "Units"),
    "thematic_level_prefectures": ("设区市", "prefectures"),
    "thematic_level_counties": ("县（市、区）", "counties"),
    "thematic_measure": ("指标", "Measure"),
    "thematic_sites": ("园区/基地数", "Parks and bases"),
    "thematic_chemical_parks": ("化工园区数", "Chemical parks"),
    "thematic_development_zones": ("开发区数", "Development zones"),
    "thematic_retrofit_completed": ("已完成循环化改造的园区数", "Sites with circular retrofit completed"),
    "thematic_retrofit_known": ("循环化改造状态已知的园区数", "Sites whose retrofit status is known"),
    "thematic_retrofit_share": ("循环化改造完成率（状态已知者中）", "Retrofit completed (share of those known)"),
    "thematic_within": ("岸线管控范围内的园区数（按当前规则）", "Sites within the restriction (current rule)"),
    "thematic_within_or_uncertain": ("在管控范围内或无法确定的园区数", "Sites within or uncertain (current rule)"),
    "thematic_upload": ("上传指标表（Excel 或 CSV，按行政区划代码或名称）", "Indicator table (Excel or CSV, by adcode or name)"),
    "thematic_key": ("行政区列（代码或名称）", "Unit column (adcode or name)"),
    "thematic_value": ("数值列", "Value column"),
    "thematic_pick_columns": ("请选择行政区列和数值列。", "Choose the unit column and the value column."),
    "thematic_problems": ("{n} 行未能使用（已使用 {used} 个行政区的数值）：", "{n} rows could not be used ({used} units have a value):"),
    "thematic_more_problems": ("\n- …… 另有 {n} 行", "\n- … and {n} more rows"),
    "thematic_scheme": ("分级方法", "Classification"),
    "thematic_scheme_quantiles": ("分位数", "Quantiles"),
    "thematic_scheme_natural_breaks": ("自然断点（Fisher-Jenks）", "Natural breaks (Fisher-Jenks)"),
    "thematic_scheme_equal_interval": ("等间距", "Equal interval"),
    "thematic_classes": ("级数", "Classes"),
    "thematic_no_data": ("无数据", "No data"),
    "thematic_uncounted": ("{n} 个园区/基地的所在{level}未知，未计入。", "{n} sites whose {level} is unknown are not counted."),
    # Selection
    "site_list": ("园区/基地列表（勾选的行即选中，地图随之显示）", "Parks and bases (ticked rows are the selection)"),
    "selection_count": ("已选中 {n} 处", "{n} selected"),
    "selection_clear": ("清除选择", "Clear selection"),
    "selection_drawn": ("选中所画范围内的园区/基地", "Select the sites in the drawn shape"),
    "selection_drawn_none": ("所画范围内没有已上图的园区/基地。", "No mapped site lies in the drawn shape."),
}
