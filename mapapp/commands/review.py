"""`mapapp review list|approve|reject|restore|history`: reviewing proposals and a site's history."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from sqlalchemy import Engine

from mapapp.commands.signin import RefusedError, add_user_argument, sign_in
from mapapp.register.accounts import AccessDenied, User
from mapapp.register.changes import ChangeRow, Conflict, InvalidEdit, approve, history, pending, reject, restore
from mapapp.register.store import open_register


def add_parser(commands: argparse._SubParsersAction) -> None:
    review = commands.add_parser("review", help="proposals awaiting review, approve/reject, restore, history")
    sub = review.add_subparsers(dest="review_command", required=True, metavar="SUBCOMMAND")
    listing = sub.add_parser("list", help="proposals awaiting review (an editor sees their own)")
    add_user_argument(listing)
    listing.set_defaults(func=_list)
    for name, helptext in (("approve", "apply a proposal"), ("reject", "reject a proposal (say why)")):
        cmd = sub.add_parser(name, help=helptext)
        cmd.add_argument("change", type=int, metavar="CHANGE_ID")
        cmd.add_argument("--comment", default="", required=name == "reject")
        add_user_argument(cmd)
        cmd.set_defaults(func=_decide, decide=name)
    back = sub.add_parser("restore", help="make a site what an earlier approved change made it")
    back.add_argument("change", type=int, metavar="CHANGE_ID")
    back.add_argument("--comment", default="")
    add_user_argument(back)
    back.set_defaults(func=_restore)
    past = sub.add_parser("history", help="every change of a site, oldest first")
    past.add_argument("site_id")
    past.set_defaults(func=_history)


def describe(change: ChangeRow) -> str:
    fields = ", ".join(change.changed_fields()) or "-"
    decided = f" by {change.reviewer}" if change.reviewer and change.state != "pending" else ""
    return (f"#{change.id}\t{change.created_at:%Y-%m-%d %H:%M}\t{change.site_id}\t{change.action}\t{change.author}\t"
            f"{change.state}{decided}\t{fields}\t{change.source}")


def _list(args: argparse.Namespace) -> int:
    engine, user = sign_in(args)
    for change in pending(engine, user):
        print(describe(change))
    return 0


def _decide(args: argparse.Namespace) -> int:
    decide = approve if args.decide == "approve" else reject
    return _act(args, lambda engine, user: decide(engine, user, args.change, args.comment))


def _restore(args: argparse.Namespace) -> int:
    return _act(args, lambda engine, user: restore(engine, user, args.change, args.comment))


def _act(args: argparse.Namespace, action: Callable[[Engine, User], ChangeRow]) -> int:
    """Sign in, do a reviewer's action, print the change it made; a refusal is one line."""
    engine, user = sign_in(args)
    try:
        done = action(engine, user)
    except (AccessDenied, Conflict) as exc:
        raise RefusedError(f"{exc}; nothing was changed") from None
    except (InvalidEdit, ValueError) as exc:
        raise RefusedError(str(exc)) from None
    print(describe(done))
    return 0


def _history(args: argparse.Namespace) -> int:
    changes = [c for c in history(open_register(), args.site_id) if c.state != "pending"]
    if not changes:
        print(f"no site {args.site_id!r} in the register", file=sys.stderr)
        return 1
    for change in changes:
        print(describe(change))
    return 0
