"""A real IMAP server for tests: pymap (in-memory backend) started on 127.0.0.1, optionally with a certificate for
STARTTLS, and an implicit-TLS (port 993 style) front for it. Nothing here mocks the protocol.

The certificate is self-signed for 127.0.0.1, made in the test with `cryptography` (a test dependency): a client
trusts it only when given it as `cafile`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import imaplib
import ipaddress
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

USER, PASSWORD = "privacy", "s3cret-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def self_signed(directory: Path) -> tuple[Path, Path]:
    """(cert.pem, key.pem) for CN/SAN 127.0.0.1, valid for two days."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


@contextmanager
def pymap_server(tls: tuple[Path, Path] | None = None) -> Iterator[int]:
    """pymap on a free port; with `tls`, it offers STARTTLS with that certificate. Yields the port."""
    exe = shutil.which("pymap") or str(Path(sys.executable).with_name("pymap"))
    if not Path(exe).exists():
        pytest.skip("pymap is not installed (pip install -e '.[test]')")
    port = free_port()
    tls_args = ["--cert", str(tls[0]), "--key", str(tls[1])] if tls else ["--no-tls"]
    proc = subprocess.Popen(
        [exe, "--host", "127.0.0.1", "--port", str(port), *tls_args, "dict", "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        # Ready when it accepts a connection. Waiting on the process (not sleeping) also notices a server that died.
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                try:
                    proc.wait(timeout=0.05)
                except subprocess.TimeoutExpired:
                    continue
                raise RuntimeError(f"pymap exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        else:
            raise RuntimeError("pymap did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def implicit_tls_front(backend_port: int, cert: Path, key: Path) -> Iterator[int]:
    """TLS from the first byte (IMAPS, port 993 style) in front of a plain IMAP server: the client's TLS is real
    and terminates here, the bytes inside go to the server unchanged. Yields the port to connect to."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(cert), str(key))
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    port = free_port()
    stop = asyncio.Event()

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass  # the other side went away: close this one too
        finally:
            writer.close()

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", backend_port)
        await asyncio.gather(pipe(client_r, server_w), pipe(server_r, client_w))

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port, ssl=ctx)
        ready.set()
        await stop.wait()
        server.close()
        await server.wait_closed()

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
        loop.close()


def client(port: int) -> imaplib.IMAP4:
    c = imaplib.IMAP4("127.0.0.1", port)
    c.login(USER, PASSWORD)
    return c


def deliver(port: int, *messages: bytes) -> None:
    """Put messages in INBOX over plain IMAP (APPEND), as a mail server would deliver them."""
    c = client(port)
    for m in messages:
        assert c.append("INBOX", None, None, m)[0] == "OK"
    c.logout()


def count(port: int, folder: str) -> int:
    c = client(port)
    typ, data = c.select(f'"{folder}"')
    n = int(data[0]) if typ == "OK" else -1
    c.logout()
    return n
