"""Building a message and handing it to the organisation's SMTP server (stdlib smtplib + email.message).

`deliver` either returns (the server accepted the message for the recipient) or raises `SendFailed` with one line
saying why: server unreachable, TLS failure, login refused, sender or recipient refused, message too large. Callers
record a letter as sent only after `deliver` returns.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formataddr, format_datetime, make_msgid
from datetime import datetime, timezone
from pathlib import Path

from dpo_tui.domain.errors import DomainError
from dpo_tui.mail.config import SmtpSettings, is_address


class SendFailed(DomainError):
    """The server did not take the message; nothing was recorded as sent."""


class MessageTooLarge(SendFailed):
    pass


def _one_line(text: object) -> str:
    value = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return " ".join(value.split())


def check_address(address: str, what: str = "to") -> str:
    value = address.strip()
    if not is_address(value):
        raise SendFailed(f"{what}: '{value}' is not an email address")
    return value


def new_message_id(smtp: SmtpSettings) -> str:
    # The domain of the sending mailbox: replies come back with it in In-Reply-To, and it is ours, not the host's name.
    return make_msgid(domain=smtp.from_address.rpartition("@")[2] or None)


def build_message(
    smtp: SmtpSettings,
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    attachments: Sequence[Path] = (),
    files: Sequence[tuple[str, bytes, str]] = (),
    automatic: bool = False,
) -> EmailMessage:
    """A UTF-8 message. Header values are single lines (a newline would start a new header: refused by
    email.policy), requester text only ever goes in bodies and the To address (checked)."""
    msg = EmailMessage()
    msg["From"] = formataddr((_one_line(smtp.from_name), smtp.from_address)) if smtp.from_name else smtp.from_address
    msg["To"] = check_address(to)
    msg["Subject"] = _one_line(subject)
    msg["Date"] = format_datetime(datetime.now(timezone.utc))
    msg["Message-ID"] = message_id or new_message_id(smtp)
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    refs = [r for r in references if r]
    if refs:
        msg["References"] = " ".join(refs[-20:])  # the newest; enough for any client to thread
    if automatic:  # RFC 3834: out-of-office responders must not answer a digest
        msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for path in attachments:
        import mimetypes

        ctype, _ = mimetypes.guess_type(path.name)
        maintype, _, subtype = (ctype or "application/octet-stream").partition("/")
        msg.add_attachment(Path(path).read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    for name, data, ctype in files:  # generated attachments: (file name, bytes, content type)
        maintype, _, subtype = ctype.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def deliver(smtp: SmtpSettings, msg: EmailMessage) -> None:
    """Send one message through the configured server, or raise SendFailed in one line."""
    smtp.require()
    host, port = smtp.host, smtp.effective_port
    where = f"{host}:{port}"
    password = smtp.password()  # before connecting: a missing password is a settings problem, not a server one
    context = ssl.create_default_context(cafile=smtp.cafile or None)
    to = str(msg["To"])
    try:
        client: smtplib.SMTP
        if smtp.security == "tls":
            client = smtplib.SMTP_SSL(host, port, timeout=smtp.timeout, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=smtp.timeout)
        with client:
            client.ehlo()
            if smtp.security == "starttls":
                if not client.has_extn("starttls"):
                    raise SendFailed(f"the mail server {where} does not offer STARTTLS; not sending in clear text")
                client.starttls(context=context)
                client.ehlo()
            if smtp.user:
                client.login(smtp.user, password or "")
            refused = client.send_message(msg, from_addr=smtp.from_address, to_addrs=[to])
            if refused:  # only possible with several recipients; we send to one, but never report a partial send as sent
                raise SendFailed(f"the mail server {where} refused {', '.join(refused)}")
    except SendFailed:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise SendFailed(f"the mail server {where} refused the login for {smtp.user}: {exc.smtp_code} {_one_line(exc.smtp_error)}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        reasons = "; ".join(f"{addr}: {code} {_one_line(err)}" for addr, (code, err) in exc.recipients.items())
        raise SendFailed(f"the mail server {where} refused the recipient ({reasons})") from None
    except smtplib.SMTPSenderRefused as exc:
        if exc.smtp_code == 552:
            raise MessageTooLarge(f"the message is too large for the mail server {where} ({len(msg.as_bytes())} bytes): {_one_line(exc.smtp_error)}") from None
        raise SendFailed(f"the mail server {where} refused the sender {smtp.from_address}: {exc.smtp_code} {_one_line(exc.smtp_error)}") from None
    except smtplib.SMTPDataError as exc:
        if exc.smtp_code == 552:
            raise MessageTooLarge(f"the message is too large for the mail server {where}: {_one_line(exc.smtp_error)}") from None
        raise SendFailed(f"the mail server {where} did not accept the message: {exc.smtp_code} {_one_line(exc.smtp_error)}") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise SendFailed(f"the mail server {where} does not support what is needed: {_one_line(exc)}") from None
    except ssl.SSLError as exc:
        raise SendFailed(f"TLS with the mail server {where} failed: {_one_line(getattr(exc, 'reason', None) or exc)}") from None
    except smtplib.SMTPServerDisconnected as exc:
        raise SendFailed(f"the mail server {where} closed the connection: {_one_line(exc) or 'no reason given'}") from None
    except smtplib.SMTPException as exc:
        raise SendFailed(f"sending through {where} failed: {_one_line(exc)}") from None
    except (socket.timeout, TimeoutError):
        raise SendFailed(f"the mail server {where} did not answer within {smtp.timeout} seconds") from None
    except OSError as exc:
        raise SendFailed(f"cannot reach the mail server {where}: {_one_line(exc.strerror or exc)}") from None
