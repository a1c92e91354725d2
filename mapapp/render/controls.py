"""Map controls in the page's language: legend, zoom, scale, the drawing tools and full screen.

Also `DrawGuard`: while the user draws or edits a shape, map clicks are vertices, not points to
check, so streamlit-folium's click listener is set aside until the drawing ends. `ClickNow`: a
plain map click is reported at once, not after streamlit-folium's debounce. `ReportDrawn`: the
page learns when the map's layers are drawn.
"""

from __future__ import annotations

from branca.element import MacroElement, Template

from mapapp.i18n import t

# Leaflet.draw's texts (L.drawLocal), for the tools the map offers: line, polygon, rectangle, edit, delete.
DRAW_ZH = {
    "draw": {
        "toolbar": {
            "actions": {"title": "取消绘制", "text": "取消"},
            "finish": {"title": "完成绘制", "text": "完成"},
            "undo": {"title": "删除最后一个点", "text": "删除最后一点"},
            "buttons": {"polygon": "绘制多边形", "rectangle": "绘制矩形", "polyline": "画线测距"},
        },
        "handlers": {
            "polygon": {"tooltip": {"start": "单击开始绘制多边形", "cont": "单击继续绘制", "end": "单击第一个点闭合多边形"}},
            "polyline": {"error": "<strong>错误：</strong>边线不能交叉！",
                         "tooltip": {"start": "单击开始画线", "cont": "单击继续画线", "end": "单击最后一个点结束"}},
            "rectangle": {"tooltip": {"start": "按住鼠标拖动绘制矩形"}},
            "simpleshape": {"tooltip": {"end": "松开鼠标完成绘制"}},
        },
    },
    "edit": {
        "toolbar": {
            "actions": {"save": {"title": "保存修改", "text": "保存"},
                        "cancel": {"title": "取消编辑，放弃所有修改", "text": "取消"},
                        "clearAll": {"title": "清除所有图形", "text": "全部清除"}},
            "buttons": {"edit": "编辑图形", "editDisabled": "没有可编辑的图形",
                        "remove": "删除图形", "removeDisabled": "没有可删除的图形"},
        },
        "handlers": {
            "edit": {"tooltip": {"text": "拖动控制点以修改图形", "subtext": "单击“取消”撤销修改"}},
            "remove": {"tooltip": {"text": "单击图形将其删除"}},
        },
    },
}


class DrawLocal(MacroElement):
    """Sets L.drawLocal before the Draw control is built (add it to the map before plugins.Draw)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            function merge(into, from) {
                Object.keys(from).forEach(function (k) {
                    if (typeof from[k] === 'object') { into[k] = into[k] || {}; merge(into[k], from[k]); }
                    else { into[k] = from[k]; }
                });
            }
            if (window.L && L.drawLocal) { merge(L.drawLocal, {{ this.texts|tojson }}); }
        })();
        {% endmacro %}
    """)

    def __init__(self, texts: dict) -> None:
        super().__init__()
        self._name = "DrawLocal"
        self.texts = texts


class DrawGuard(MacroElement):
    """No point check for the clicks that place a drawing's vertices."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var saved = null;
            map.on('draw:drawstart draw:editstart draw:deletestart', function () {
                if (saved) { return; }
                saved = (map._events.click || []).slice();
                map.off('click');
            });
            map.on('draw:drawstop draw:editstop draw:deletestop', function () {
                var handlers = saved;
                // The click that ends a drawing is still being dispatched: give it back after it.
                setTimeout(function () {
                    if (!handlers || saved !== handlers) { return; }
                    saved = null;
                    handlers.forEach(function (h) { map.on('click', h.fn, h.ctx); });
                }, 300);
            });
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "DrawGuard"


class ClickNow(MacroElement):
    """Report a map click to the page at once.

    streamlit-folium (0.27) reports every map event after a 250 ms debounce, so the user waited a
    quarter of a second longer for a clicked point's verdict. This listener sends the value the
    component's own `updateComponentValue` would send (same keys, same order, same filter by
    `returned_objects`) and records it in `__GLOBAL_DATA__.previous_data`; the debounced report that
    follows finds nothing changed and sends nothing. Pans and zooms keep the debounce. Registered
    before the component's listener, and set aside with it by DrawGuard while a shape is drawn.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            map.on('click', function (event) {
                var g = window.__GLOBAL_DATA__;
                if (!g || !window.Streamlit || !window.Streamlit.setComponentValue) { return; }
                g.lat_lng_clicked = event.latlng;
                var wrap = function (v) { return v && g.wrap_longitude ? map.wrapLatLng(v) : v; };
                var bounds = map.getBounds();
                var all = {last_clicked: wrap(g.lat_lng_clicked), last_object_clicked: wrap(g.last_object_clicked),
                    last_object_clicked_count: g.last_object_clicked_count,
                    last_object_clicked_tooltip: g.last_object_clicked_tooltip,
                    last_object_clicked_popup: g.last_object_clicked_popup, all_drawings: g.all_drawings,
                    last_active_drawing: g.last_active_drawing, last_geocoder_result: g.last_geocoder_result,
                    bounds: bounds && g.wrap_longitude ? map.wrapLatLngBounds(bounds) : bounds, zoom: map.getZoom(),
                    last_circle_radius: g.last_circle_radius, last_circle_polygon: g.last_circle_polygon,
                    center: wrap(map.getCenter()), selected_layers: Object.values(g.selected_layers || {}),
                    selected_tags: g.selected_tags};
                var value = all;
                if (g.returned_objects) {
                    value = {};
                    Object.keys(all).forEach(function (k) { if (g.returned_objects.includes(k)) { value[k] = all[k]; } });
                }
                if (JSON.stringify(g.previous_data) === JSON.stringify(value)) { return; }
                g.previous_data = value;
                window.Streamlit.setComponentValue(value);
            });
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "ClickNow"


class ReportDrawn(MacroElement):
    """Tell the page once the map's fetched layers are drawn: its value gains `map_drawn: true`, and
    so does every value the map sends after it.

    The page renders its tabs and site table only then (ui/state.waiting_for_map), so their widgets
    are not rendered while the map is. The flag sticks because Streamlit keeps only a widget's newest
    value while a run is pending: a report sent just after this one (the component's own, 250 ms
    debounced) would otherwise replace it unread, and the page would wait for ever. Add it after every layer.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            function send() {
                var g = window.__GLOBAL_DATA__, lib = window.Streamlit;
                if (!g || !lib || !lib.setComponentValue || lib.mapappDrawn) { return; }
                var plain = lib.setComponentValue;  // the component calls it through this same object
                lib.setComponentValue = function (value, dataType) {
                    return plain.call(lib, Object.assign({}, value || {}, {map_drawn: true}), dataType);
                };
                lib.mapappDrawn = true;
                lib.setComponentValue(g.previous_data);
            }
            Promise.all(window.mapappLayersLoading || []).then(function () {
                requestAnimationFrame(function () { setTimeout(send, 0); });  // after the paint
            });
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "ReportDrawn"


class Controls(MacroElement):
    """Zoom buttons with titles in the page's language and a metric-only scale bar; no focus box
    around a clicked area (the browser outlines the focused SVG path's bounding box)."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style> path.leaflet-interactive:focus { outline: none; } </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            L.control.zoom({position: 'topleft', zoomInTitle: {{ this.zoom_in|tojson }},
                            zoomOutTitle: {{ this.zoom_out|tojson }}}).addTo(map);
            L.control.scale({metric: true, imperial: false, position: 'bottomleft'}).addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "Controls"
        self.zoom_in = t("zoom_in", lang)
        self.zoom_out = t("zoom_out", lang)


class Legend(MacroElement):
    """A legend that folds away: a button in the corner, the key below it; it folds when a popup opens."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>
          .map-legend { background: rgba(255,255,255,.92); border-radius: 4px; box-shadow: 0 0 4px #999;
                        font-size: 12px; line-height: 17px; max-width: 230px; }
          .map-legend button { border: 0; background: none; cursor: pointer; font: bold 12px sans-serif;
                               padding: 5px 8px; width: 100%; text-align: left; }
          .map-legend .body { padding: 0 8px 6px 8px; max-height: 300px; overflow: auto; }
          .map-legend.folded .body { display: none; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var legend = L.control({position: 'bottomright'});
            legend.onAdd = function () {
                var div = L.DomUtil.create('div', 'map-legend');
                var button = L.DomUtil.create('button', '', div);
                var body = L.DomUtil.create('div', 'body', div);
                body.innerHTML = {{ this.body|tojson }};
                function fold(folded) {
                    L.DomUtil[folded ? 'addClass' : 'removeClass'](div, 'folded');
                    button.textContent = (folded ? '\u25B8 ' : '\u25BE ') + {{ this.title|tojson }};
                    button.setAttribute('aria-expanded', folded ? 'false' : 'true');
                }
                // Open on a wide map, folded on a narrower one (a laptop's half screen, a phone).
                fold(map.getSize().x < 1000);
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                L.DomEvent.on(button, 'click', function () { fold(!L.DomUtil.hasClass(div, 'folded')); });
                map.on('popupopen', function () { fold(true); });
                return div;
            };
            legend.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, body: str, title: str) -> None:
        super().__init__()
        self._name = "Legend"
        self.body = body
        self.title = title


class LayerControlTitle(MacroElement):
    """The layer switcher's tooltip in the page's language (Leaflet writes "Layers"); add after it."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.getContainer().querySelectorAll('.leaflet-control-layers-toggle')
            .forEach(function (a) { a.title = {{ this.title|tojson }}; a.setAttribute('aria-label', {{ this.title|tojson }}); });
        {% endmacro %}
    """)

    def __init__(self, title: str) -> None:
        super().__init__()
        self._name = "LayerControlTitle"
        self.title = title
