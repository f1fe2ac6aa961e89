"""Is a message that joined a case the answer the case is waiting for? A pure function, no I/O.

A case waits on the requester for one of three things (the status says which): an identity document, a fee
payment, or the answer to a clarification question. A message that joined it (a reply by reference or
In-Reply-To, or attached from triage) is classified as that step when:

- identity: the case awaits ID and the message carries an image or a PDF, or its new text says it encloses an
  identity document ("please find attached a copy of my passport", "anbei mein Personalausweis"...);
- fee: the case awaits a fee and the new text speaks of paying it ("I have paid", "überwiesen", "virement"...);
- clarification: the case's clock is stopped for a question: any reply counts (the DPO reads it and confirms).

Only the new text is read, never the quoted part: a reply quotes the DPO's own letter ("please send a copy of your
passport"), which must not count as the person enclosing one. Phrase lists cover the detector's six languages
(en, de, fr, es, it, nl) and are all tried, since a short reply often gives too few words to tell its language.
Nothing is applied from this: it only decides what the DPO is offered ("Record as …?").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

STEPS = ("identity", "fee", "clarification")
LABELS = {  # "Record as …?"
    "identity": "identity document received",
    "fee": "fee paid",
    "clarification": "clarification answered",
}
WHAT = {  # "This message may be the … this case awaits"
    "identity": "identity document",
    "fee": "fee payment",
    "clarification": "answer to the clarification question",
}

_ID_FILE_TYPES = ("application/pdf",)
_ID_FILE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".gif", ".heic", ".heif", ".tif", ".tiff", ".webp", ".bmp")

# Words saying something is enclosed or sent with the message.
_ENCLOSED = re.compile(
    r"enclos|attach|please find|here is|here's|herewith|i am sending|i'm sending|i have sent|i've sent|scan of|photo of"
    r"|anbei|im anhang|angehängt|beigefügt|beiliegend|in der anlage|sende ich|schicke ich|übersende"
    r"|ci-joint|ci joint|pièce jointe|je vous envoie|je vous transmets|veuillez trouver|vous trouverez"
    r"|adjunt|anexo|le envío|les envío|le remito|les remito|encontrará"
    r"|allego|allegat|invio|trasmetto|troverete|trova"
    r"|bijgevoegd|bijlage|stuur ik|hierbij|meegestuurd",
)
# Identity documents (and the usual proofs of address a controller may ask for).
_ID_DOCUMENT = re.compile(
    r"passport|driv(?:ing|er'?s) licen[cs]e|identity (?:card|document)|\bid(?: card| document)?\b|photo ?id"
    r"|proof of (?:identity|address|id)|utility bill"
    r"|personalausweis|ausweis|reisepass|führerschein|identitätsnachweis|meldebescheinigung|adressnachweis"
    r"|carte d'identité|passeport|permis de conduire|pièce d'identité|justificatif d'identité|justificatif de domicile"
    r"|\bdni\b|\bnie\b|documento (?:nacional )?de identidad|pasaporte|carnet de conducir|permiso de conducir"
    r"|carta d'identità|documento d'identità|passaporto|patente di guida|\bpatente\b"
    r"|paspoort|identiteitskaart|id-kaart|rijbewijs|identiteitsbewijs|legitimatiebewijs",
)
# Words saying a payment was made.
_PAID = re.compile(
    r"\bpaid\b|\bpayment\b|\bi (?:have |'ve )?(?:sent|transferred|wired) (?:the |you )?(?:fee|money|amount|payment)"
    r"|bank transfer|\btransferred\b|cheque|check (?:is )?enclosed|remittance|\bsettled\b"
    r"|bezahlt|überwiesen|überweisung|\bzahlung|beglichen|gezahlt"
    r"|\bpayé|paiement|\bréglé|règlement|virement|chèque|\bversé"
    r"|\bpagad[oa]|\bpago\b|transferencia|\babonad[oa]|\bingresad[oa]"
    r"|\bpagat[oa]|pagamento|bonifico|\bversat[oa]|\bsaldat[oa]"
    r"|\bbetaald|\bbetaling|overgemaakt|overboeking|\bvoldaan",
)


def is_id_file(name: str, media_type: str) -> bool:
    """An image or a PDF: what an identity document arrives as (a photo or a scan)."""
    kind = (media_type or "").lower()
    return kind.startswith("image/") or kind in _ID_FILE_TYPES or (name or "").lower().endswith(_ID_FILE_SUFFIXES)


def encloses_id(text: str) -> bool:
    """The text says it encloses (or sends) an identity document."""
    low = text.lower()
    return bool(_ENCLOSED.search(low) and _ID_DOCUMENT.search(low))


def speaks_of_payment(text: str) -> bool:
    return bool(_PAID.search(text.lower()))


def classify_answer(
    awaiting: str | None, *, text: str, subject: str = "", attachments: Iterable[tuple[str, str]] = ()
) -> str | None:
    """The step (`identity`, `fee` or `clarification`) this message may answer, or None.

    `awaiting`: the step the case waits for (None: it waits for nothing); `text`: the new text of the message (not
    its quoted part); `attachments`: (name, media type) of each."""
    new = f"{subject}\n{text}"
    if awaiting == "identity":
        if any(is_id_file(n, t) for n, t in attachments) or encloses_id(new):
            return "identity"
        return None
    if awaiting == "fee":
        return "fee" if speaks_of_payment(new) else None
    if awaiting == "clarification":
        return "clarification"
    return None
