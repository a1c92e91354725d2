"""Interface text of exports, printed maps and site-check reports: {key: (Chinese, English)}."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # exports
    "export_heading": ("导出数据", "Export data"),
    "export_format": ("格式", "Format"),
    "export_crs": ("坐标系", "Coordinate system"),
    "export_crs_fixed": ("{fmt} 按规范只用 WGS 84 经纬度", "{fmt} holds WGS 84 lon/lat only"),
    "export_encoding": ("文字编码（Shapefile、CSV）", "Text encoding (Shapefile, CSV)"),
    "export_encoding_help": ("UTF-8 适用于 QGIS 和新版 ArcGIS；GBK 适用于旧版 ArcGIS 等只认国标编码的软件。压缩包内附 .cpg 文件说明编码。",
                             "UTF-8 suits QGIS and recent ArcGIS; GBK suits older software that expects the national "
                             "encoding. A .cpg file in the zip names the encoding."),
    "make_file": ("生成文件", "Make the file"),
    "making": ("正在生成……", "Making…"),
    "download_file": ("下载 {name}", "Download {name}"),
    "made_notes": ("说明：", "Notes:"),
    "make_failed": ("生成失败，已记录在服务器日志中，请重试或联系管理员。", "Could not make the file; this is logged on the server. "
                    "Try again or tell the administrator."),
    "options_changed": ("选项已更改，请重新生成。", "The options have changed: make the file again."),
    # printed maps
    "print_heading": ("打印地图（PDF/PNG）", "Print the map (PDF/PNG)"),
    "print_caption": ("在服务器上离线生成，含标题、当前图层与筛选、图例、比例尺、指北针、数据来源与精度说明和日期。",
                      "Made on the server, offline: title, the layers and filter in use, legend, scale bar, north "
                      "arrow, data sources with their accuracy, and the date."),
    "print_paper": ("纸张", "Paper"),
    "print_orientation": ("方向", "Orientation"),
    "print_landscape": ("横向", "Landscape"),
    "print_portrait": ("纵向", "Portrait"),
    "print_file_format": ("文件格式", "File format"),
    "print_title_input": ("标题（可选）", "Title (optional)"),
    "print_region_only": ("打印范围须为设区市、县或所画区域", "A print needs a prefecture, a county or a drawn region"),
    "print_title": ("{place}绿色工业地图", "Green industry map of {place}"),
    "print_hollow": ("空心：位置只知道到县或设区市", "Hollow: location known only to the county or prefecture"),
    "print_numbered": ("图中编号", "Numbers on the map"),
    "print_region": ("范围", "Region"),
    "print_filter": ("筛选", "Filter"),
    "print_no_filter": ("无（全部园区/基地）", "none (all sites)"),
    "print_sources": ("数据来源与精度", "Sources and accuracy"),
    "print_crs": ("坐标与投影", "Coordinates"),
    "print_crs_text": ("数据基准 WGS 84（与 CGCS2000 在本图比例尺下一致）；江西 Lambert 等角圆锥投影，比例尺误差小于 0.1%",
                       "WGS 84 data (equal to CGCS2000 at this scale); Jiangxi Lambert conformal conic projection, "
                       "scale error under 0.1 %"),
    "print_made": ("制图", "Made"),
    # site-check reports
    "report_heading": ("选址核查报告（PDF/Word）", "Site-check report (PDF/Word)"),
    "report_caption": ("对一个点、所画或上传的范围或一处园区/基地，给出两种管控范围在 1 公里和 5 公里下的结论、最近的管控水域、"
                       "地图、规则原文、适用目标、数据来源与精度，以及可复核的日期和数据校验值。",
                       "For a point, a drawn or uploaded boundary or a register site: the verdicts under both scopes "
                       "at 1 km and 5 km, the nearest regulated water, a map, the rules quoted, the applicable "
                       "targets, the data and its accuracy, and the date and data checksums that make it reproducible."),
    "report_what": ("核查对象", "What to check"),
    "report_what_point": ("核查点（地图上单击、搜索到或上方输入的点）", "The checked point (clicked on the map, found by search or typed above)"),
    "report_what_site": ("选中的园区/基地", "The selected site"),
    "report_what_drawn": ("地图上所画的范围", "The shape drawn on the map"),
    "report_what_file": ("上传的边界文件", "An uploaded boundary file"),
    "report_no_point": ("请先在地图上单击一个点、在侧栏搜索坐标，或在上方输入坐标核查。", "Click a point on the map, search for coordinates in the sidebar, or check typed coordinates above first."),
    "report_point_hint": ("报告针对最后核查的点（地图上单击、侧栏搜索到或上方输入的点），其坐标写在报告和文件名中。",
                          "The report is for the point checked last (clicked on the map, found by search or typed "
                          "above); its coordinates are in the report and its file name."),
    "report_pick_site": ("园区/基地", "Site"),
    "report_no_location": ("该园区/基地位置未知，无法核查；请先在登记册中补充位置。",
                           "This site's location is unknown, so it cannot be checked: add one in the register first."),
    "report_ready": ("将核查：{what}", "Will check: {what}"),
    "report_no_site": ("请先选中一处园区/基地（单击地图符号、勾选表格行或搜索）。", "Select a site first (click its symbol, tick its row or search)."),
    "report_boundary_file": ("边界文件（GeoJSON、GeoPackage、zip 压缩的 Shapefile）", "Boundary file (GeoJSON, GeoPackage, zipped Shapefile)"),
    "report_file_format": ("报告格式", "Report format"),
    "report_title": ("选址核查报告", "Site-check report"),
    "report_subject": ("核查对象", "Checked"),
    "report_kind_point": ("点", "point"),
    "report_kind_boundary": ("范围", "boundary"),
    "report_kind_site": ("园区/基地", "site"),
    "report_accuracy": ("位置精度", "Location accuracy"),
    "report_accuracy_zero": ("按给定位置计（未说明误差）", "taken as given (no error stated)"),
    "report_coordinates": ("坐标", "Coordinates"),
    "report_zone_source": ("管控范围：由上述水域按距离在江西 Lambert 投影下计算（距离为地面米）。",
                           "Restriction: computed from the waters above by distance, in the Jiangxi Lambert projection "
                           "(ground metres)."),
    "report_site_location": ("本园区/基地的位置来源：{source}", "This site's location: {source}"),
    "report_verdicts": ("核查结论", "Verdicts"),
    "report_scope": ("管控水域", "Waters"),
    "report_distance": ("距离", "Distance"),
    "report_verdict": ("结论", "Verdict"),
    "report_farthest": ("最远点", "Farthest point"),
    "report_overlap": ("范围内面积", "Area within"),
    "report_nearest_water": ("最近的管控水域", "Nearest regulated water"),
    "report_nearest_text": ("{water}，{distance}", "{water}, {distance}"),
    "report_in_water": ("位于水域内或与之相接", "in or touching the water"),
    "report_map": ("地图（红色：核查对象；深红/橙色：1 公里/5 公里管控范围，长江江西段、鄱阳湖、五河）",
                   "Map (red: what is checked; dark red / orange: 1 km / 5 km restriction, Yangtze in Jiangxi, Poyang "
                   "Lake and five rivers)"),
    "report_rules": ("规则原文", "The rules"),
    "report_rule_summary": ("（概述，非原文）", "(summary, not the original words)"),
    "report_targets": ("适用目标", "Applicable targets"),
    "report_sources": ("数据来源与精度", "Data and accuracy"),
    "report_reproduce": ("复核信息", "To reproduce this check"),
    "report_created": ("生成时间（UTC）", "Made (UTC)"),
    "report_version": ("软件版本", "Software"),
    "report_checksum": ("水域数据校验值（SHA-256，{scope}）", "Waters checksum (SHA-256, {scope})"),
    "report_command": ("命令", "Command"),
    "report_caveat": ("本报告依据公开数据自动生成，精度见“数据来源与精度”；结论“不确定”表示位置或岸线数据的误差不足以判断，需以权威岸线数据核实。",
                      "Made automatically from public data of the accuracy stated under 'Data and accuracy'. "
                      "'Uncertain' means the location or shoreline data are not accurate enough to decide: check "
                      "against an authoritative shoreline."),
}
