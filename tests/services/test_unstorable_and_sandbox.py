"""Text no database can store is refused in one line naming the field (on both backends, nothing written), and user
templates run in Jinja2's sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.text import UnstorableText
from tests.conftest import new_request


def _snapshot(work):  # type: ignore[no-untyped-def]
    return [(c.ref, c.version, c.updated_at) for c in work.list_cases()], [e.seq for c in work.list_cases() for e in work.get(c.ref).events]


@pytest.mark.parametrize(
    "field, value, label",
    [
        ("name", "Ada\x00Lovelace", "name"),
        ("email", "ada\x00@example.org", "email"),
        ("description", "send it\x00all", "description"),
        ("address", "1 Street\x00", "postal address"),
        ("name", "Ada \udcff", "name"),
    ],
)
def test_nul_or_undecodable_bytes_are_a_field_error(work, field: str, value: str, label: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnstorableText) as err:
        work.log_request(new_request(**{field: value}))
    message = str(err.value)
    assert message.startswith(f"{label}: contains") and "\n" not in message and "\x00" not in message
    assert work.list_cases() == []


def test_the_store_guard_catches_what_a_service_does_not_check(work) -> None:  # type: ignore[no-untyped-def]
    ref = work.log_request(new_request()).ref
    before = _snapshot(work)
    with pytest.raises(InvalidInput, match="contains a NUL character"):
        work.add_note(ref, "called back\x00", version=work.get(ref).version)
    assert _snapshot(work) == before
    assert work.get(ref).notes == ()


def test_control_characters_are_kept_as_sent(work) -> None:  # type: ignore[no-untyped-def]
    # Only unstorable text is refused: an escape sequence is the requester's text, escaped wherever it is shown.
    detail = work.log_request(new_request(name="Eve \x1b[31mRed"))
    assert work.get(detail.ref).requester["name"] == "Eve \x1b[31mRed"


def test_a_user_letter_template_cannot_reach_python(sqlite_work, settings) -> None:  # type: ignore[no-untyped-def]
    from dpo_tui.services.letters import TemplateFailed, check_letter_templates, render_letter

    folder: Path = settings.config_dir / "letters"
    folder.mkdir(parents=True)
    (folder / "acknowledgement.md.j2").write_text("Subject: hi\n\n{{ cycler.__init__.__globals__.os.getcwd() }}\n")
    (folder / "identity_request.md.j2").write_text("Subject: hi\n\n{{ requester.name.__class__.__mro__ }}\n")
    (folder / "fee_request.md.j2").write_text("Subject: fine\n\nDear {{ requester.name }}, {{ org.name }}\n")
    ref = sqlite_work.log_request(new_request()).ref
    with pytest.raises(TemplateFailed, match="unsafe") as err:
        render_letter(sqlite_work, ref, "acknowledgement")
    assert "\n" not in str(err.value)
    problems = check_letter_templates(settings)
    assert [p.split(": ", 1)[0] for p in problems] == [str(folder / "acknowledgement.md.j2"), str(folder / "identity_request.md.j2")]
    assert all("unsafe" in p for p in problems)


def test_exports_render_in_the_sandbox_with_autoescape() -> None:
    from jinja2.sandbox import SandboxedEnvironment

    from dpo_tui.exports.case_summary import _html_env

    env = _html_env()
    assert isinstance(env, SandboxedEnvironment) and env.autoescape is True
