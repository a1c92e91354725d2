"""`mapapp users add|list|disable`: the register's accounts (run on the server by whoever runs it)."""

from __future__ import annotations

import argparse
import sys

from mapapp.commands.signin import RefusedError, read_password
from mapapp.register.accounts import ROLES, add_user, disable_user, list_users
from mapapp.register.changes import prefecture_codes
from mapapp.register.store import open_register


def add_parser(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser("users", help="accounts of the register: add, list, disable")
    sub = users.add_subparsers(dest="users_command", required=True, metavar="SUBCOMMAND")
    add = sub.add_parser("add", help="create an account",
                         description="editor: proposes changes to sites of the given prefectures; reviewer: approves, "
                                     "rejects and edits province-wide; admin: manages accounts.")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--prefecture", action="append", default=[], metavar="ADCODE",
                     help="a prefecture an editor may edit (6-digit adcode, e.g. 360600 for 鹰潭市); repeat for several")
    add.add_argument("--password-stdin", action="store_true", required=True,
                     help="read the password from the first line of stdin (or MAPAPP_PASSWORD)")
    add.set_defaults(func=_add)
    listing = sub.add_parser("list", help="list the accounts")
    listing.set_defaults(func=_list)
    disable = sub.add_parser("disable", help="disable an account and end its sign-ins (its history stays)")
    disable.add_argument("name")
    disable.set_defaults(func=_disable)


def _add(args: argparse.Namespace) -> int:
    engine = open_register()
    prefectures = tuple(dict.fromkeys(args.prefecture))
    known = set(prefecture_codes().values())
    if unknown := [p for p in prefectures if p not in known]:
        raise RefusedError(f"not a Jiangxi prefecture adcode: {', '.join(unknown)} (e.g. 360600 鹰潭市)")
    try:
        user = add_user(engine, args.name, args.role, read_password(args.name), prefectures)
    except ValueError as exc:
        raise RefusedError(f"{exc}; no account was made") from None
    print(f"added {user.name} ({user.role}{': ' + ', '.join(user.prefectures) if user.prefectures else ''})")
    return 0


def _list(args: argparse.Namespace) -> int:
    for user in list_users(open_register()):
        state = "disabled" if user.disabled else "active"
        print(f"{user.name}\t{user.role}\t{';'.join(user.prefectures) or '-'}\t{state}")
    return 0


def _disable(args: argparse.Namespace) -> int:
    try:
        disable_user(open_register(), args.name)
    except ValueError as exc:
        raise RefusedError(str(exc)) from None
    print(f"disabled {args.name}", file=sys.stderr)
    return 0
