"""The answer classifier (intake/answers.py): which awaited step a message that joined a case may answer, in the
detector's six languages, and what does not count."""

from __future__ import annotations

import pytest

from dpo_tui.intake.answers import classify_answer, encloses_id, is_id_file, speaks_of_payment

ENCLOSES_ID = {
    "en": "Please find attached a copy of my passport.",
    "de": "Anbei sende ich Ihnen eine Kopie meines Personalausweises.",
    "fr": "Veuillez trouver ci-joint une copie de ma carte d'identité.",
    "es": "Les envío adjunto mi DNI escaneado.",
    "it": "Allego copia della mia carta d'identità.",
    "nl": "Hierbij stuur ik een kopie van mijn paspoort.",
}
PAID = {
    "en": "I have paid the fee by bank transfer this morning.",
    "de": "Ich habe die Gebühr heute überwiesen.",
    "fr": "J'ai effectué le virement des frais aujourd'hui.",
    "es": "Ya he realizado el pago de la tasa.",
    "it": "Ho effettuato il bonifico per il contributo richiesto.",
    "nl": "Ik heb het bedrag vandaag overgemaakt.",
}
NEITHER = {
    "en": "When will I hear from you about my request?",
    "de": "Wann bekomme ich eine Antwort auf meine Anfrage?",
    "fr": "Quand vais-je recevoir une réponse à ma demande ?",
    "es": "¿Cuándo recibiré una respuesta a mi solicitud?",
    "it": "Quando riceverò una risposta alla mia richiesta?",
    "nl": "Wanneer krijg ik antwoord op mijn verzoek?",
}


@pytest.mark.parametrize("lang", sorted(ENCLOSES_ID))
def test_identity_by_words_in_each_language(lang: str) -> None:
    assert encloses_id(ENCLOSES_ID[lang])
    assert classify_answer("identity", text=ENCLOSES_ID[lang]) == "identity"
    assert classify_answer("identity", text=NEITHER[lang]) is None
    # the same words on a case that awaits a fee or nothing are not an identity document
    assert classify_answer("fee", text=ENCLOSES_ID[lang]) is None
    assert classify_answer(None, text=ENCLOSES_ID[lang]) is None


@pytest.mark.parametrize("lang", sorted(PAID))
def test_fee_payment_in_each_language(lang: str) -> None:
    assert speaks_of_payment(PAID[lang])
    assert classify_answer("fee", text=PAID[lang]) == "fee"
    assert classify_answer("fee", text=NEITHER[lang]) is None
    assert classify_answer("identity", text=PAID[lang]) is None


@pytest.mark.parametrize("lang", sorted(NEITHER))
def test_any_reply_answers_a_clarification_question(lang: str) -> None:
    assert classify_answer("clarification", text=NEITHER[lang]) == "clarification"
    assert classify_answer("clarification", text="") == "clarification"


def test_an_image_or_pdf_attachment_is_an_identity_document_on_a_case_awaiting_id() -> None:
    assert classify_answer("identity", text="", attachments=[("scan.pdf", "application/pdf")]) == "identity"
    assert classify_answer("identity", text="here", attachments=[("IMG_0042.HEIC", "application/octet-stream")]) == "identity"
    assert classify_answer("identity", text="see file", attachments=[("notes.txt", "text/plain")]) is None
    assert is_id_file("photo", "image/png") and not is_id_file("letter.docx", "application/msword")


def test_the_subject_counts_and_a_question_about_paying_does_not() -> None:
    assert classify_answer("fee", subject="Payment made", text="See above.") == "fee"
    assert classify_answer("fee", text="Why do I have to pay a fee at all?") is None
    # naming a document without enclosing it is not enclosing it
    assert classify_answer("identity", text="I do not have a passport, what else can I send?") is None
