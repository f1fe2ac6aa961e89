"""Letters as documents (issue 18): Word (.docx) on the organisation's letterhead, and PDF.

Both start from the letter's clean text (no Markdown escapes, no `**`) and add what a posted letter needs: the
organisation's address, the date, the requester's name and postal address, and the reference.

- .docx: python-docx opens the letterhead (the organisation's own Word file, else the plain one that ships in
  `dpo_tui/defaults/letters/letterhead.docx`). Placeholders `{{org_name}}`, `{{org_address}}`, `{{date}}` and
  `{{ref}}` are filled wherever they appear (body, headers, footers); the letter goes where a paragraph reads
  `{{letter}}`, else at the end. Placeholders are plain text replaced as text: nothing in a letter is evaluated.
- .pdf: fpdf2 (pure Python) with DejaVu Sans embedded, so names in Latin, Greek and Cyrillic scripts render.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"
LETTERHEAD = DEFAULTS / "letters" / "letterhead.docx"
FONT = DEFAULTS / "fonts" / "DejaVuSans.ttf"
FONT_BOLD = DEFAULTS / "fonts" / "DejaVuSans-Bold.ttf"


class DocumentFailed(Exception):
    """The letterhead or font cannot be used (the message names the file)."""


@dataclass(frozen=True)
class LetterDoc:
    org_name: str
    org_address: str
    date_text: str
    ref: str
    recipient: tuple[str, ...]  # name, then the postal address lines (requester text, kept literally)
    subject: str
    body: str  # clean text: headings as lines starting "## ", bullets as "- "


def _blocks(body: str) -> list[tuple[str, str]]:
    """(kind, text) per paragraph: heading, bullet or para; blank lines separate paragraphs."""
    out: list[tuple[str, str]] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append(("para", " ".join(para)))
            para.clear()

    for line in body.split("\n"):
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped.startswith("## "):
            flush()
            out.append(("heading", stripped[3:]))
        elif stripped.startswith("- "):
            flush()
            out.append(("bullet", stripped[2:]))
        else:
            para.append(stripped)
    flush()
    return out


# ---- Word ----------------------------------------------------------------------------------------------------------


def docx_bytes(doc: LetterDoc, letterhead: Path | None = None) -> bytes:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    template = letterhead or LETTERHEAD
    try:
        d = docx.Document(str(template))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise DocumentFailed(f"{template}: not a Word (.docx) letterhead ({exc})") from None
    except Exception as exc:  # noqa: BLE001 - a damaged file fails in the zip or XML reader
        raise DocumentFailed(f"{template}: cannot be read as a Word document ({type(exc).__name__})") from None
    values = {"{{org_name}}": doc.org_name, "{{org_address}}": doc.org_address.replace("\n", ", "), "{{date}}": doc.date_text, "{{ref}}": doc.ref}
    for paragraph in _all_paragraphs(d):
        text = paragraph.text
        if "{{" in text and any(k in text for k in values):
            for k, v in values.items():
                text = text.replace(k, v)
            _set_text(paragraph, text)
    anchor = next((p for p in d.paragraphs if p.text.strip() == "{{letter}}"), None)

    def add(text: str, style: str | None = None, bold: bool = False) -> None:
        if anchor is not None:
            p = anchor.insert_paragraph_before("", style=style)
        else:
            p = d.add_paragraph("", style=style)
        run = p.add_run(text)
        run.bold = bold

    for line in doc.recipient:
        add(line)
    add("")
    add(doc.date_text)
    add(f"Our reference: {doc.ref}")
    add("")
    add(doc.subject, bold=True)
    styles = {s.name for s in d.styles}
    for kind, text in _blocks(doc.body):
        if kind == "heading":
            add(text, "Heading 2" if "Heading 2" in styles else None, bold="Heading 2" not in styles)
        elif kind == "bullet":
            add(text if "List Bullet" in styles else f"• {text}", "List Bullet" if "List Bullet" in styles else None)
        else:
            add(text)
    if anchor is not None:
        anchor._element.getparent().remove(anchor._element)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _all_paragraphs(d: object) -> list[object]:
    out = list(d.paragraphs)  # type: ignore[attr-defined]
    for table in d.tables:  # type: ignore[attr-defined]
        for row in table.rows:
            for cell in row.cells:
                out += cell.paragraphs
    for section in d.sections:  # type: ignore[attr-defined]
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            out += part.paragraphs
    return out


def _set_text(paragraph: object, text: str) -> None:
    runs = paragraph.runs  # type: ignore[attr-defined]
    if not runs:
        paragraph.add_run(text)  # type: ignore[attr-defined]
        return
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def make_default_letterhead(path: Path) -> None:
    """The plain letterhead that ships (kept here so it can be rebuilt): organisation name and address at the top,
    the letter, the reference in the footer."""
    import docx
    from docx.shared import Pt

    d = docx.Document()
    header = d.sections[0].header.paragraphs[0]
    run = header.add_run("{{org_name}}")
    run.bold = True
    run.font.size = Pt(14)
    sub = d.sections[0].header.add_paragraph("{{org_address}}")
    sub.runs[0].font.size = Pt(9)
    d.add_paragraph("{{letter}}")
    footer = d.sections[0].footer.paragraphs[0]
    footer.add_run("{{org_name}} · {{ref}}").font.size = Pt(8)
    d.save(str(path))


# ---- PDF -----------------------------------------------------------------------------------------------------------


def pdf_bytes(doc: LetterDoc, font: Path | None = None) -> bytes:
    from fpdf import FPDF

    regular = font or FONT
    bold = FONT_BOLD if font is None else font
    pdf = FPDF(format="A4")
    pdf.set_creator("dpo-tui")
    pdf.set_title(doc.subject)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    try:
        pdf.add_font("Letter", "", str(regular))
        pdf.add_font("Letter", "B", str(bold))
    except (OSError, RuntimeError, ValueError) as exc:
        raise DocumentFailed(f"{regular}: not a usable TrueType font ({exc})") from None
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def write(text: str, size: float = 10.5, style: str = "", gap: float = 2.0, align: str = "L") -> None:
        pdf.set_font("Letter", style, size)
        pdf.multi_cell(width, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    write(doc.org_name, 14, "B", 0.5, "R")
    if doc.org_address.strip():
        write(doc.org_address.strip(), 9, "", 6, "R")
    write("\n".join(doc.recipient), gap=5)
    write(doc.date_text, gap=0.5)
    write(f"Our reference: {doc.ref}", gap=5)
    write(doc.subject, 11.5, "B", 4)
    for kind, text in _blocks(doc.body):
        if kind == "heading":
            pdf.ln(2)
            write(text, 11, "B", 1.5)
        elif kind == "bullet":
            pdf.set_font("Letter", "", 10.5)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(width - 4, 5.25, f"• {text}", align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        else:
            write(text)
    return bytes(pdf.output())
