"""`mapapp data validate|import|export|locate|build`: check the data files, edit the register from a table,
publish the register, attach locations, rebuild layers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mapapp._errors import DataFileError
from mapapp.catalog.catalog import (
    build_catalog,
    stale_layers,
    write_layers,
)
from mapapp.catalog.records import is_date
from mapapp.catalog.sites import site_units
from mapapp.commands.signin import add_user_argument, sign_in
from mapapp.datum import DATUMS
from mapapp.feature_files import read_features
from mapapp.layers import load_layer, load_specs
from mapapp.locate import LocateOptions, plan_locate
from mapapp.messages import msg
from mapapp.register.changes import editors_publish_setting, publishes_directly
from mapapp.register.imports import import_table, locate_sites
from mapapp.register.publish import publish
from mapapp.register.store import open_register, register_catalog
from mapapp.tables import read_table


def add_parser(commands: argparse._SubParsersAction) -> None:
    data = commands.add_parser("data", help="validate the data files, import site edits, rebuild layers")
    sub = data.add_subparsers(dest="data_command", required=True, metavar="SUBCOMMAND")
    validate = sub.add_parser("validate", help="check every data file against its schema; exit 1 on any problem")
    validate.set_defaults(func=_validate)
    imp = sub.add_parser(
        "import",
        help="update sites in the register from a CSV (UTF-8 or GBK) or Excel table keyed by 'id'",
        description="Blank cells leave values unchanged. Bad rows (and rows outside your prefectures) are reported "
        "and skipped; the good rows go into the register in one transaction, each with its history row: "
        "proposals for review when you are an editor, applied when you are a reviewer.",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--source", default="", help="where the new values come from (document, clause or URL), "
                     "used for rows without a 'source' column")
    imp.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    add_user_argument(imp)
    imp.set_defaults(func=_import)
    export = sub.add_parser(
        "export", help="write the approved register as data/sources-style files, the layers and the history",
        description="Writes sites.csv and locations.geojson (the schema of data/sources/), sites.geojson and "
        "clusters.geojson (the built layers) and history.csv (every change, pending proposals included) into DIR.")
    export.add_argument("--out", type=Path, required=True, metavar="DIR")
    export.set_defaults(func=_export)
    locate = sub.add_parser(
        "locate",
        help="attach surveyed boundaries or points to sites (by id or exact name)",
        description="Reads GeoJSON, GeoPackage, zipped Shapefile (any .prj, GBK attributes), KML/KMZ, DXF (name "
        "its CRS), a land-survey coordinate text file (界址点坐标, .txt) or a CSV/Excel table of points. Each "
        "feature names its site in a site_id/id column or by its exact name (name_zh, name, 名称, 地块名称). "
        "Several features for one site are its plots. A bad row is refused with its reason and its site keeps "
        "its old location; the good ones go into the register in one transaction, each a change with its "
        "history row (a proposal for review when you are an editor).",
    )
    locate.add_argument("file", type=Path)
    locate.add_argument("--source", required=True, help="the document, survey or file the locations come from")
    locate.add_argument("--accuracy", type=float, metavar="METRES",
                        help="the locations' accuracy, for rows without an accuracy_m column")
    locate.add_argument("--captured", default="", metavar="DATE", help="when the survey was made (YYYY[-MM[-DD]])")
    locate.add_argument("--datum", choices=DATUMS, default="wgs84",
                        help="datum of longitude/latitude coordinates (GCJ-02 from Amap, BD-09 from Baidu)")
    where = locate.add_mutually_exclusive_group()
    where.add_argument("--crs", help="the CRS of a file that does not say it (a DXF, a Shapefile without .prj), "
                                     "e.g. EPSG:4548")
    where.add_argument("--zone", type=int, help="CGCS2000 3-degree Gauss-Krüger zone (eastings with the zone prefix)")
    where.add_argument("--central-meridian", type=float, metavar="DEGREES",
                       help="CGCS2000 Gauss-Krüger central meridian (eastings without the zone prefix)")
    locate.add_argument("--lon-col", help="a table's longitude column, if not recognised")
    locate.add_argument("--lat-col", help="a table's latitude column, if not recognised")
    locate.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    add_user_argument(locate)
    locate.set_defaults(func=_locate)
    build = sub.add_parser("build", help="rebuild data/sites/*.geojson from data/sources/*.csv")
    build.set_defaults(func=_build)


MAX_LISTED = 50  # row errors listed one per line; past that, a count (a 100,000-row file of bad ids)


def _report(table: str, errors: list) -> None:
    for error in errors[:MAX_LISTED]:
        print(f"{table}: {error}", file=sys.stderr)
    if len(errors) > MAX_LISTED:
        print(f"{table}: ... and {len(errors) - MAX_LISTED:,} more rows with errors like these", file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    problems = 0
    for spec in load_specs().values():
        for display in (False, True):
            try:
                load_layer(spec.id, display=display)
            except Exception as exc:  # noqa: BLE001 - every unreadable file is reported, then counted
                print(f"{spec.id}: {exc}", file=sys.stderr)
                problems += 1
    catalog = build_catalog()
    for table, errors in catalog.errors.items():
        _report(table, errors)
        problems += len(errors)
    for rel in stale_layers(catalog):
        print(f"{rel}: out of date with data/sources (run `mapapp data build`)", file=sys.stderr)
        problems += 1
    print(f"{len(catalog.sites)} sites, {len(catalog.clusters)} clusters, {len(catalog.indicators)} indicators, "
          f"{len(load_specs())} layers: {'OK' if not problems else f'{problems} problem(s)'}")
    return 0 if not problems else 1


def _import(args: argparse.Namespace) -> int:
    updates = read_table(args.file, required=("id",))
    for warning in updates.attrs.get("warnings", []):
        print(f"{args.file.name}: warning: {warning}", file=sys.stderr)
    engine, user = sign_in(args)
    proposes = not publishes_directly(user, editors_publish_setting())
    result = import_table(engine, user, updates, default_source=args.source, editors_publish=editors_publish_setting(),
                          dry_run=args.dry_run)
    _report(args.file.name, result.errors)
    for change in result.outcome.changes:
        for name in change.changed_fields():
            old, new = (change.old or {"record": {}})["record"].get(name), change.new["record"].get(name)
            print(f"change #{change.id} ({change.state}): {change.site_id}.{name}: {old!r} -> {new!r}")
    print(result.summary(proposes) + (" (dry run: nothing written)" if args.dry_run else ""), file=sys.stderr)
    return 0


def _export(args: argparse.Namespace) -> int:
    written = publish(open_register(), args.out)
    for path in written:
        print(path)
    return 0


def _locate(args: argparse.Namespace) -> int:
    if args.captured and not is_date(args.captured):
        raise DataFileError(msg("--captured 应为日期（YYYY、YYYY-MM 或 YYYY-MM-DD），现为 {v!r}",
                                "--captured must be a date (YYYY, YYYY-MM or YYYY-MM-DD), got {v!r}", v=args.captured))
    features, read_errors, notes = read_features(args.file, crs=args.crs, zone=args.zone,
                                                 central_meridian=args.central_meridian, datum=args.datum,
                                                 lon_col=args.lon_col, lat_col=args.lat_col)
    for note in notes:
        print(f"{args.file.name}: {note}", file=sys.stderr)
    engine, user = sign_in(args)
    sites = register_catalog(engine).sites
    plan = plan_locate(features, sites, site_units(sites), default_accuracy_m=args.accuracy, row_errors=read_errors)
    options = LocateOptions(source=args.source, datum=features.attrs.get("crs") or args.datum, captured=args.captured)
    outcome = locate_sites(engine, user, plan, options, editors_publish=editors_publish_setting(), dry_run=args.dry_run)
    _report(args.file.name, [f"row {row}: {why}" for row, why in plan.errors] + [str(e) for e in outcome.errors])
    done = {c.site_id: c for c in outcome.changes}
    for loc in plan.located:
        if loc.site_id in done:
            rows = ",".join(map(str, loc.rows))
            print(f"{loc.site_id}: {loc.old_kind} -> {loc.kind} (rows {rows}, accuracy {loc.accuracy_m:g} m; "
                  f"change #{done[loc.site_id].id}, {done[loc.site_id].state})" + (f"; {loc.note}" if loc.note else ""))
    print(f"{plan.summary()}" + (" (dry run: nothing written)" if args.dry_run else ""), file=sys.stderr)
    return 0 if not plan.errors and not outcome.errors else 1


def _build(args: argparse.Namespace) -> int:
    catalog = build_catalog()
    for table, errors in catalog.errors.items():
        _report(table, errors)
    if not catalog.ok:
        return 1
    write_layers(catalog)
    print(f"wrote {len(catalog.sites)} sites and {len(catalog.clusters)} clusters")
    return 0
