"""`mapapp nginx-config`: the nginx site for several app processes and the OGC API (see README,
"Deployment")."""

from __future__ import annotations

import argparse

from mapapp.deploy import nginx_site


def add_parser(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser("nginx-config", help="print the nginx site for a deployment that scales out",
                              description="Print deploy/nginx-mapapp.conf filled in for this machine; put it in "
                                          "/etc/nginx/conf.d/ and reload nginx.")
    cmd.add_argument("--listen", default="80", help="what nginx listens on (default: 80)")
    cmd.add_argument("--app", action="append", required=True, metavar="HOST:PORT",
                     help="an app process (streamlit run ... --server.port PORT); repeat for each")
    cmd.add_argument("--ogc", default="127.0.0.1:5000", metavar="HOST:PORT",
                     help="the OGC API server (mapapp serve-ogc; default: 127.0.0.1:5000)")
    cmd.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(nginx_site(args.listen, args.app, args.ogc), end="")
    return 0
