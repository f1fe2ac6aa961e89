"""Reading new messages from an IMAP mailbox (stdlib imaplib: the protocol subset needed here is small, and
imaplib is maintained with Python itself).

The password comes from the environment variable named in `[intake.imap] password_env`, else the system keyring
(service "dpo-tui", the IMAP user), never from the settings file. Every failure is one line naming the server.
Messages are moved (or marked read) only after the import that took them has been committed.
"""

from __future__ import annotations

import imaplib
import os
import socket
import ssl
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from dpo_tui.intake.config import ImapSettings, IntakeSettings
from dpo_tui.intake.mail import parse_email
from dpo_tui.intake.model import BadInput, IncomingMessage, IntakeError, Item

KEYRING_SERVICE = "dpo-tui"


class ImapError(IntakeError):
    """The IMAP server cannot be used; the message names it."""


def password_for(imap: ImapSettings) -> str:
    if imap.password_env:
        value = os.environ.get(imap.password_env)
        if value:
            return value
    try:
        import keyring  # optional: only when no environment variable holds the password

        value = keyring.get_password(KEYRING_SERVICE, imap.user)
    except Exception:  # keyring missing, or no usable backend on this machine (common on servers)
        value = None
    if not value:
        raise ImapError(
            f"no password for the IMAP user {imap.user!r}: set the environment variable {imap.password_env or '(none named)'} "
            f"or store it in the system keyring (service {KEYRING_SERVICE!r})"
        )
    return value


class ImapMailbox:
    def __init__(self, cfg: IntakeSettings) -> None:
        self.cfg = cfg
        self.imap = cfg.imap
        if not self.imap.host or not self.imap.user:
            raise ImapError("IMAP is not set up: add host and user under [intake.imap] in the settings file")
        self.where = f"{self.imap.host}:{self.imap.port}"
        self.conn: imaplib.IMAP4 | None = None
        self.taken: list[tuple[str, str]] = []  # (uid, source) of every message read, in order

    def __enter__(self) -> ImapMailbox:
        self.open()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _fail(self, what: str, exc: BaseException | None = None) -> ImapError:
        reason = f" ({_reason(exc)})" if exc is not None else ""
        return ImapError(f"IMAP server {self.where}: {what}{reason}")

    def open(self) -> None:
        im = self.imap
        password = password_for(im)
        try:
            context = ssl.create_default_context(cafile=im.cafile or None)
        except (OSError, ssl.SSLError) as exc:
            raise self._fail(f"cannot read the CA certificates in cafile {im.cafile!r}", exc) from None
        try:
            if im.tls:
                conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(im.host, im.port, ssl_context=context, timeout=im.timeout)
            else:
                conn = imaplib.IMAP4(im.host, im.port, timeout=im.timeout)
                if im.starttls:
                    conn.starttls(ssl_context=context)
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            raise self._fail("cannot connect", exc) from None
        self.conn = conn
        try:
            conn.login(im.user, password)
        except imaplib.IMAP4.error:
            self.close()
            raise self._fail(f"login refused for {im.user!r}") from None
        except OSError as exc:
            self.close()
            raise self._fail("connection lost during login", exc) from None
        typ, _ = self._call(conn.select, _quote(im.folder))
        if typ != "OK":
            self.close()
            raise self._fail(f"no folder {im.folder!r}")

    def _call(self, fn: Any, *args: Any) -> tuple[str, list[Any]]:
        try:
            return fn(*args)
        except (OSError, imaplib.IMAP4.error) as exc:
            raise self._fail("request failed", exc) from None

    def uids(self) -> list[str]:
        assert self.conn is not None
        # With move_to, the folder holds only what was not yet processed; without it, read messages are done.
        criterion = "ALL" if self.imap.move_to else "UNSEEN"
        typ, data = self._call(self.conn.uid, "SEARCH", None, criterion)
        if typ != "OK":
            raise self._fail(f"search in {self.imap.folder!r} refused")
        return [u.decode() for u in (data[0] or b"").split()]

    def items(self, on_bytes: Any = None) -> Iterator[Item]:
        assert self.conn is not None
        tick = on_bytes or (lambda n: None)
        for uid in self.uids():
            source = f"imap://{self.imap.host}/{self.imap.folder};UID={uid}"
            typ, data = self._call(self.conn.uid, "FETCH", uid, "(INTERNALDATE BODY.PEEK[])")
            parts = [d for d in data if isinstance(d, tuple)]
            if typ != "OK" or not parts:
                yield BadInput(source, "the server returned no message")
                continue
            meta, raw = parts[0]
            arrived = imaplib.Internaldate2tuple(meta)
            file_time = datetime.fromtimestamp(time.mktime(arrived), timezone.utc) if arrived else None
            tick(len(raw))
            self.taken.append((uid, source))
            item = parse_email(raw, source, self.cfg, file_time=file_time)
            if isinstance(item, IncomingMessage):
                item.imap_uid = uid
            yield item

    def settle(self, uids: list[str]) -> None:
        """After the import is committed: move the messages taken to `move_to`, or mark them read."""
        if not uids or self.conn is None:
            return
        uid_set = ",".join(uids)
        if self.imap.move_to:
            caps = {c.upper() for c in self.conn.capabilities}
            if "MOVE" in caps:
                typ, _ = self._call(self.conn.uid, "MOVE", uid_set, _quote(self.imap.move_to))
            else:
                typ, _ = self._call(self.conn.uid, "COPY", uid_set, _quote(self.imap.move_to))
                if typ == "OK":
                    self._call(self.conn.uid, "STORE", uid_set, "+FLAGS.SILENT", r"(\Deleted)")
                    self._call(self.conn.expunge)
            if typ != "OK":
                raise self._fail(f"could not move messages to {self.imap.move_to!r} (they were imported; the next fetch skips them)")
        else:
            self._call(self.conn.uid, "STORE", uid_set, "+FLAGS.SILENT", r"(\Seen)")

    def close(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.logout()
        except (OSError, imaplib.IMAP4.error):
            pass  # already gone: nothing to clean up on our side
        self.conn = None


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {exc.reason or exc}"
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
