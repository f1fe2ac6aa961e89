"""A real SMTP server (aiosmtpd) on 127.0.0.1 for each test that needs one: messages are received over TCP and
parsed, never mocked. `Controller.start()` returns once the server answers, so no test ever sleeps or polls."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def closed_port() -> int:
    """A port nothing listens on: connecting is refused at once (the "server down" case)."""
    return free_port()


@dataclass
class Inbox:
    """aiosmtpd handler: keeps what arrived; refuses the recipients in `refuse`."""

    refuse: set[str] = field(default_factory=set)
    received: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [m for _, _, m in self.received]


def _authenticator(user: str, password: str) -> Callable[..., Any]:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    def check(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False)

    return check


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the client trusts it only when given it as `cafile`)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def smtp_server(request: pytest.FixtureRequest) -> Iterator[Callable[..., tuple[int, Inbox]]]:
    """Start servers on demand: smtp_server(auth=(user, pw), tls=(cert, key), size_limit=N, refuse={...})."""
    from aiosmtpd.controller import Controller

    started: list[Any] = []

    def start(*, auth: tuple[str, str] | None = None, tls: tuple[Path, Path] | None = None,
              size_limit: int | None = None, refuse: set[str] | None = None,
              implicit_tls: tuple[Path, Path] | None = None) -> tuple[int, Inbox]:  # fmt: skip
        inbox = Inbox(refuse=set(refuse or ()))
        kwargs: dict[str, Any] = {}
        if auth:
            kwargs.update(authenticator=_authenticator(*auth), auth_required=True, auth_require_tls=tls is not None)
        if tls:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            kwargs.update(tls_context=ctx, require_starttls=True)
        if implicit_tls:  # port-465 style: TLS from the first byte
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(str(implicit_tls[0]), str(implicit_tls[1]))
            kwargs.update(ssl_context=ctx)
        if size_limit:
            kwargs.update(data_size_limit=size_limit)
        port = free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        started.append(controller)
        return port, inbox

    yield start
    for c in started:
        c.stop()
