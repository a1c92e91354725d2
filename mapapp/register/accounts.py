"""People and what they may do: roles, prefectures, passwords (argon2), throttled sign-in, sessions.

Roles: an `editor` proposes changes to (and adds) sites in their prefectures; a `reviewer` approves
or rejects proposals and may edit any site directly; an `admin` manages accounts. Viewing needs no
account. Every refusal is an `AccessDenied` whose message says why, in both languages.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select

from mapapp.messages import Msg, msg
from mapapp.register import schema

ROLES = ("editor", "reviewer", "admin")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=8)
MIN_PASSWORD_LENGTH = 10
_HASHER = PasswordHasher()
# Verified when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")
_WRONG = msg("用户名或密码错误", "wrong user name or password")


class AccessDenied(Exception):
    """A refused action; `str()` is the English sentence, `.message` both languages."""

    def __init__(self, message: Msg) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class User:
    name: str
    role: str
    prefectures: tuple[str, ...]  # adcodes; only editors are limited by them
    disabled: bool = False

    def may_change(self, prefecture_adcode: str | None) -> bool:
        """Whether this user may change (or propose a change to) a site in that prefecture."""
        if self.role == "reviewer":
            return True
        return self.role == "editor" and prefecture_adcode in self.prefectures


def now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: they were written in UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _user(row: object) -> User:
    return User(row.name, row.role, tuple(p for p in row.prefectures.split(";") if p), bool(row.disabled))


def add_user(engine: Engine, name: str, role: str, password: str, prefectures: tuple[str, ...] = ()) -> User:
    """Create an account. Editors need at least one prefecture; others take none."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("a user name is 1 to 100 characters")
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if role == "editor" and not prefectures:
        raise ValueError("an editor needs at least one prefecture (--prefecture ADCODE)")
    if role != "editor" and prefectures:
        raise ValueError(f"a {role} works province-wide: give no prefecture")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    with engine.begin() as conn:
        if conn.execute(select(schema.users.c.name).where(schema.users.c.name == name)).first():
            raise ValueError(f"a user named {name!r} exists already")
        conn.execute(schema.users.insert().values(
            name=name, role=role, prefectures=";".join(prefectures), password_hash=_HASHER.hash(password),
            disabled=False, failed_logins=0, created_at=now()))
    return User(name, role, tuple(prefectures))


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        return [_user(r) for r in conn.execute(select(schema.users).order_by(schema.users.c.name))]


def get_user(engine: Engine, name: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(schema.users).where(schema.users.c.name == name)).first()
    return _user(row) if row else None


def disable_user(engine: Engine, name: str) -> None:
    """Disable an account and end its sessions (its history stays)."""
    with engine.begin() as conn:
        done = conn.execute(schema.users.update().where(schema.users.c.name == name).values(disabled=True)).rowcount
        if not done:
            raise ValueError(f"no user named {name!r}")
        conn.execute(schema.sessions.delete().where(schema.sessions.c.user_name == name))


def authenticate(engine: Engine, name: str, password: str) -> User:
    """The user if the password is right; else AccessDenied. Five failures lock the account for 15 minutes."""
    refusal = None
    with engine.begin() as conn:  # the failure count is committed before the refusal is raised
        row = conn.execute(select(schema.users).where(schema.users.c.name == name.strip())).first()
        locked_until = _aware(row.locked_until) if row is not None else None
        if row is None:
            _verify(_DUMMY_HASH, password)
            refusal = _WRONG
        elif locked_until is not None and locked_until > now():
            refusal = msg("连续登录失败次数过多，账户已暂时锁定，请在 {t} (UTC) 之后再试",
                          "too many failed sign-ins: the account is locked until {t} (UTC)", t=locked_until.strftime("%H:%M"))
        elif row.disabled:
            refusal = msg("该账户已停用", "this account is disabled")
        elif not _verify(row.password_hash, password):
            failed = row.failed_logins + 1
            lock = now() + LOCKOUT if failed >= MAX_FAILED_LOGINS else None
            conn.execute(schema.users.update().where(schema.users.c.name == row.name).values(
                failed_logins=0 if lock else failed, locked_until=lock))
            refusal = _WRONG
        else:
            conn.execute(schema.users.update().where(schema.users.c.name == row.name)
                         .values(failed_logins=0, locked_until=None))
    if refusal is not None:
        raise AccessDenied(refusal)
    return _user(row)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(engine: Engine, user: User) -> str:
    """A new sign-in token for `user`, valid for SESSION_LIFETIME."""
    token, moment = secrets.token_urlsafe(32), now()
    with engine.begin() as conn:
        conn.execute(schema.sessions.insert().values(token_hash=_token_hash(token), user_name=user.name,
                                                     created_at=moment, expires_at=moment + SESSION_LIFETIME))
    return token


def session_user(engine: Engine, token: str) -> User:
    """The signed-in user of a token; AccessDenied when it is unknown, expired or the account disabled."""
    with engine.connect() as conn:
        row = conn.execute(select(schema.sessions, schema.users).join(schema.users)
                           .where(schema.sessions.c.token_hash == _token_hash(token))).first()
    if row is None:
        raise AccessDenied(msg("未登录或登录已失效，请重新登录", "not signed in (or the sign-in is no longer valid): sign in again"))
    if _aware(row.expires_at) <= now():
        raise AccessDenied(msg("登录已过期，请重新登录", "the sign-in has expired: sign in again"))
    if row.disabled:
        raise AccessDenied(msg("该账户已停用", "this account is disabled"))
    return _user(row)


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(schema.sessions.delete().where(schema.sessions.c.token_hash == _token_hash(token)))


def count_users(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.users)).scalar_one()
