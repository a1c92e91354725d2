"""`mapapp report`: a site-check report (PDF or Word) for a point, a boundary file or a register site."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from mapapp._errors import InputFileError, OptionError
from mapapp.commands.progress import stderr_progress
from mapapp.datum import DATUMS, to_wgs84
from mapapp.export import region_from_file
from mapapp.messages import msg
from mapapp.outputs.report_files import REPORT_FORMATS, report_file
from mapapp.outputs.site_check import (
    Subject,
    boundary_subject,
    build_report,
    load_report_data,
    point_subject,
    site_subject,
)
from mapapp.pointcheck import parse_typed
from mapapp.register.store import open_register, register_catalog
from mapapp.storage import atomic_write, check_output

_EPILOG = """\
what:   exactly one of --point LON,LAT (decimal degrees or 度分秒, in --datum), --boundary FILE (every
        polygon in a GeoJSON, GeoPackage or zipped Shapefile, any CRS) or --site ID (a register site).
report: the verdicts under both scopes (Yangtze in Jiangxi, Poyang Lake and the five rivers; the
        Yangtze main stream only) at 1 km and 5 km, with distances, the farthest point and the area
        within for a boundary, and why any verdict is uncertain; the nearest regulated water; a map
        excerpt; the rules quoted with their documents and clauses; the applicable targets; the data
        sources and their accuracy; the date, the version and the waters' SHA-256, so the check can be
        reproduced. --out *.pdf or *.docx; written atomically.
"""


def add_parser(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("report", help="a site-check report (PDF or Word) for a point, boundary or site",
                              description="Check a point, a boundary or a register site against the shoreline rules "
                                          "and write the report.", epilog=_EPILOG,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    what = cmd.add_mutually_exclusive_group(required=True)
    what.add_argument("--point", metavar="LON,LAT", help="a point, e.g. 116.05,29.72")
    what.add_argument("--boundary", type=Path, metavar="FILE", help="a polygon file")
    what.add_argument("--site", metavar="ID", help="a register site's id (see the site table or `mapapp data export`)")
    cmd.add_argument("--datum", default="wgs84", choices=DATUMS, help="datum of --point (default: wgs84)")
    cmd.add_argument("--accuracy", type=float, default=0.0, metavar="M",
                     help="how far the point or boundary may be off, in metres (default: 0, taken as given)")
    cmd.add_argument("--lang", default="zh", choices=("zh", "en"), help="language of the report (default: zh)")
    cmd.add_argument("--out", required=True, type=Path, metavar="REPORT.pdf|REPORT.docx", help="output file")
    cmd.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in REPORT_FORMATS:
        raise OptionError(msg("{out}：报告为 .pdf 或 .docx", "{out}: a report is a .pdf or .docx file", out=args.out))
    if not 0 <= args.accuracy < 100_000:
        raise OptionError(msg("--accuracy 应为 0 到 100000 米", "--accuracy must be 0 to 100000 metres"))
    check_output(args.out, args.boundary if args.boundary and args.boundary.is_file() else None)
    sites = register_catalog(open_register()).sites
    subject = _subject(args, sites)
    data = load_report_data(sites)
    report = build_report(subject, data, lang=args.lang)
    out = report_file(report, data.layers, fmt, progress=stderr_progress("report"))
    with atomic_write(args.out, "wb") as fh:
        fh.write(out)
    for check in report.checks:
        print(f"{check.scope} {check.distance_m:g} m: {check.verdict.verdict}", file=sys.stderr)
    print(f"wrote {args.out}: {len(out) / 1024:,.0f} KB", file=sys.stderr)
    return 0


def _subject(args: argparse.Namespace, sites) -> Subject:
    if args.point is not None:
        lon_text, _, lat_text = args.point.replace("，", ",").partition(",")
        lon, lat, error = parse_typed(lon_text, lat_text)
        if error:
            raise InputFileError(msg("--point {p}：{why}", "--point {p}: {why}", p=args.point, why=error))
        wlon, wlat = to_wgs84(lon, lat, args.datum)
        return point_subject(float(wlon), float(wlat), accuracy_m=args.accuracy)
    if args.boundary is not None:
        region = region_from_file(args.boundary, repair=False)  # a site: its own area, not a repaired one
        return boundary_subject(region.geometry, label=args.boundary.name, accuracy_m=args.accuracy,
                                command=f"--boundary {args.boundary}")
    by_id = sites.set_index("id", drop=False)
    if args.site not in by_id.index:
        near = difflib.get_close_matches(args.site, list(by_id.index), n=3)
        hint = msg("；是否指 {near}？", "; did you mean {near}?", near=", ".join(near)) if near else ""
        raise InputFileError(msg("登记册中没有 id 为 {id} 的园区/基地", "no site with id {id} in the register", id=args.site) + hint)
    site = by_id.loc[args.site]
    if site.geometry is None:
        raise InputFileError(msg("{id} 的位置未知，无法核查：请先在登记册中补充位置",
                                 "{id} has no known location, so it cannot be checked: add one in the register first",
                                 id=args.site))
    return site_subject(site)
