"""Benchmark the map page: script time per filter change, and the default view's vector payload.

    python bench/app.py

Prints figures; asserts nothing. Goals (issue 5): a filter change re-renders in under 0.5 s on the
2-core reference machine; the default view's payload is under 2 MB.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
CHANGES = [["copper"], ["copper", "steel"], ["photovoltaic"], [], ["lithium"], []]


def rerun_times(rounds: int = 3) -> list[float]:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()  # first run loads and caches the data
    times = []
    for _ in range(rounds):
        for value in CHANGES:
            start = time.perf_counter()
            at.sidebar.multiselect(key="industry.zh").set_value(value).run()  # widgets are keyed per language
            times.append(time.perf_counter() - start)
            assert not at.exception, at.exception
    return times


def default_payload_bytes() -> dict[str, int]:
    """The GeoJSON embedded in the default view, per layer, as the map sends it."""
    from mapapp.layers import load_layer, load_specs
    from mapapp.render.sitemap import layer_features
    from mapapp.viewstate import DEFAULT_LAYERS

    specs = load_specs()
    sizes = {i: len(json.dumps(layer_features(specs[i], load_layer(i, display=True)), ensure_ascii=False).encode())
             for i in DEFAULT_LAYERS if i in specs and i != "sites"}
    return sizes


def main() -> None:
    times = rerun_times()
    print(f"filter change, script rerun: median {statistics.median(times):.3f} s, max {max(times):.3f} s "
          f"over {len(times)} changes (goal < 0.5 s)")
    sizes = default_payload_bytes()
    for layer, size in sizes.items():
        print(f"  {layer:<22} {size / 1e6:.3f} MB")
    print(f"default view vector payload (without site markers): {sum(sizes.values()) / 1e6:.2f} MB (goal < 2 MB)")


if __name__ == "__main__":
    main()
