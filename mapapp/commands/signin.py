"""Who runs a writing command: `--user NAME`, the password from MAPAPP_PASSWORD or the first line of stdin."""

from __future__ import annotations

import argparse
import os
import sys

from sqlalchemy import Engine

from mapapp._errors import MapAppError
from mapapp.register.accounts import AccessDenied, User, authenticate
from mapapp.register.store import open_register

PASSWORD_VARIABLE = "MAPAPP_PASSWORD"


class RefusedError(MapAppError):
    """A refused action (wrong password, no right to do it): the message says why; nothing was changed."""


def add_user_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", required=True, metavar="NAME",
                        help=f"your account; the password is read from {PASSWORD_VARIABLE} or the first line of stdin")


def read_password(prompt_for: str) -> str:
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        if sys.stdin.isatty():
            import getpass

            return getpass.getpass(f"password for {prompt_for}: ")
        password = sys.stdin.readline().rstrip("\r\n")
    return password


def sign_in(args: argparse.Namespace) -> tuple[Engine, User]:
    engine = open_register()
    try:
        return engine, authenticate(engine, args.user, read_password(args.user))
    except AccessDenied as exc:
        raise RefusedError(f"{exc}; nothing was changed") from None
