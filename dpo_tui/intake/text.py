"""Text helpers for incoming mail: HTML to text, quoted replies and signatures, someone writing for another."""

from __future__ import annotations

import re

# Lines that introduce a quoted earlier message, in the six intake languages and Outlook's own style.
_QUOTE_INTRO = re.compile(
    r"^\s*(?:"
    r"on\b.{0,200}\bwrote:|am\b.{0,200}\bschrieb.{0,60}:|le\b.{0,200}\ba écrit\s*:|el\b.{0,200}\bescribió:"
    r"|il\b.{0,200}\bha scritto:|op\b.{0,200}\bschreef.{0,60}:"
    r"|-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale"
    r"|oorspronkelijk bericht|forwarded message|weitergeleitete nachricht)\s*-{2,}"
    r"|_{10,}"
    r")\s*$",
    re.IGNORECASE,
)
# Outlook's header block of a quoted message: "From: ...", then "Sent:" / "Date:" within a few lines.
_OUTLOOK_FROM = re.compile(r"^\s*(?:from|von|de|da|van)\s*:\s*\S", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"^\s*(?:sent|date|gesendet|datum|envoyé|enviado|fecha|inviato|data|verzonden)\s*:", re.IGNORECASE)
_SIG_DELIM = re.compile(r"^-- ?$")
_MOBILE_SIG = re.compile(
    r"^\s*(?:sent from my \w+|von meinem \w+ gesendet|envoyé de mon \w+|enviado desde mi \w+|inviato da(?:l mio)? \w+"
    r"|verzonden vanaf mijn \w+|get outlook for \w+)",
    re.IGNORECASE,
)


def html_to_text(html: str) -> str:
    """Readable text from an HTML-only mail (html2text: tables, lists and links kept as text; nothing executed)."""
    import html2text  # ~20 ms; only HTML-only mail pays for it

    conv = html2text.HTML2Text()
    conv.body_width = 0
    conv.ignore_images = True
    conv.ignore_emphasis = True
    conv.ignore_tables = False
    conv.unicode_snob = True
    return conv.handle(html).strip()


def split_reply(text: str) -> tuple[str, str, str]:
    """(new text, quoted earlier messages, signature). The new text is what the detector reads."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = len(lines)
    for i, line in enumerate(lines):
        if _QUOTE_INTRO.match(line) or (
            _OUTLOOK_FROM.match(line) and any(_OUTLOOK_SENT.match(l) for l in lines[i + 1 : i + 4])
        ):
            cut = i
            break
        if line.startswith(">"):
            # a block of quoted lines; earlier unquoted text stays new (inline replies keep their first part)
            cut = i
            break
    new, quoted = lines[:cut], lines[cut:]
    sig: list[str] = []
    for i, line in enumerate(new):
        if _SIG_DELIM.match(line) or _MOBILE_SIG.match(line):
            sig = new[i:]
            new = new[:i]
            break
    return "\n".join(new).strip(), "\n".join(quoted).strip(), "\n".join(sig).strip()


_EMAIL_IN_TEXT = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_ON_BEHALF = re.compile(
    r"\b(?:on behalf of|acting for|i represent|we represent|as (?:the )?(?:solicitor|lawyer|attorney|agent|parent|guardian) (?:of|for)"
    r"|my client|authori[sz]ed agent"
    r"|im (?:auftrag|namen) (?:von|meine[rs]?|unsere[rs]?)|namens meine[rs]?|vertrete(?:n)? (?:ich|wir)|meine[rn]? mandant"
    r"|au nom de|pour le compte de|mon client|ma cliente|je représente"
    r"|en nombre de|en representación de|mi cliente|represento a"
    r"|per conto d[ie]|a nome d[ie]|in nome d[ie]|il mio cliente|la mia cliente|rappresento"
    r"|namens|in opdracht van|mijn cliënt|mijn client|ik vertegenwoordig)\b",
    re.IGNORECASE,
)


def on_behalf(text: str, sender_addresses: set[str]) -> tuple[bool, str | None]:
    """Does the writer act for someone else, and which address of theirs does the text give (if any)?"""
    third_party = bool(_ON_BEHALF.search(text))
    other = None
    for m in _EMAIL_IN_TEXT.finditer(text):
        addr = m.group(0).strip(".'")
        if addr.lower() not in sender_addresses:
            other = addr
            break
    if other and not third_party:
        # an address in the body alone is not a third-party request (people give a second address); flag only with words
        return False, None
    return third_party, other
