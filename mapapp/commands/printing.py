"""`mapapp print`: a printed map of a region as PDF or PNG (A4/A3, landscape/portrait), made offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mapapp._errors import OptionError
from mapapp.commands.export import layer_ids, named_region
from mapapp.commands.progress import stderr_progress
from mapapp.layers import load_layer, load_specs
from mapapp.messages import msg
from mapapp.outputs.mapprint import ORIENTATIONS, PAPERS_MM, MapContent, PrintOptions, print_map
from mapapp.register.store import current_layers, open_register
from mapapp.storage import atomic_write, check_output

DEFAULT_LAYERS = ("counties", "water_areas", "river_lines", "zone_jiangxi_1000m", "sites")

_EPILOG = f"""\
region: as for `mapapp export`: a prefecture, county or the province by name or adcode, or a polygon file.
layers: comma-separated layer ids (default: {",".join(DEFAULT_LAYERS)}); sites and clusters come
        from the register. Sites are drawn as on the page: colour by circular-retrofit status,
        symbol by kind, hollow when only the county or prefecture is known; up to 40 are numbered
        and named beside the map.
output: --out *.pdf (vector) or *.png (--dpi, default 200). The sheet holds the title, legend, scale
        bar, north arrow (true north), the region, the data sources and their accuracy, and the
        date. Written atomically. Needs a Chinese font (Debian: fonts-wqy-microhei).
"""


def add_parser(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("print", help="print a region's map to PDF or PNG (A4/A3)",
                              description="Make a printable map of a region, offline.", epilog=_EPILOG,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    cmd.add_argument("--region", required=True, metavar="NAME|ADCODE|FILE", help="the region to print")
    cmd.add_argument("--layers", default=",".join(DEFAULT_LAYERS), metavar="A,B", help="layer ids, comma-separated")
    cmd.add_argument("--paper", default="A4", choices=list(PAPERS_MM), help="paper size (default: A4)")
    cmd.add_argument("--orientation", default="landscape", choices=ORIENTATIONS, help="(default: landscape)")
    cmd.add_argument("--title", default="", help="the sheet's title (default: the region's map)")
    cmd.add_argument("--lang", default="zh", choices=("zh", "en"), help="language of the sheet (default: zh)")
    cmd.add_argument("--dpi", type=int, default=200, help="resolution of a PNG (default: 200)")
    cmd.add_argument("--out", required=True, type=Path, metavar="MAP.pdf|MAP.png", help="output file")
    cmd.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "png"):
        raise OptionError(msg("{out}：打印输出为 .pdf 或 .png", "{out}: a print is a .pdf or .png file", out=args.out))
    if not 50 <= args.dpi <= 600:
        raise OptionError(msg("--dpi 应在 50 到 600 之间", "--dpi must be between 50 and 600"))
    options = PrintOptions(paper=args.paper, orientation=args.orientation, fmt=fmt, lang=args.lang, dpi=args.dpi,
                           title=args.title)
    check_output(args.out, None)
    ids = layer_ids(args.layers)
    region = named_region(args.region)
    frames = current_layers(open_register(), ids)
    specs = load_specs()
    sites = frames.pop("sites", None)
    content = MapContent(region, region.name(args.lang), {i: (specs[i], f) for i, f in frames.items()}, sites,
                         units=load_layer("counties") if region.kind != "province" else load_layer("prefectures"))
    data = print_map(content, options, progress=stderr_progress("print"))
    with atomic_write(args.out, "wb") as fh:
        fh.write(data)
    print(f"wrote {args.out}: {args.paper} {args.orientation} {fmt.upper()}, {region.label}, {len(data) / 1024:,.0f} KB",
          file=sys.stderr)
    return 0
