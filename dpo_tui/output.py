"""Writing a whole output file (calendar, report) safely: through the one shared writer, `paths.write_private`.

Owner-only (0600), never through a symbolic link, an existing file only when asked (`--force`), put in place
atomically so a program reading it meanwhile (a calendar app polling the .ics) sees the old file or the new one,
never half of one. Its refusals are raised as `OutputRefused` (an InvalidInput), which callers here catch.
"""

from __future__ import annotations

from pathlib import Path

from dpo_tui.domain.errors import InvalidInput


class OutputRefused(InvalidInput):
    """The output file exists (without --force), is a symbolic link, or cannot be written there."""


def write_output(path: Path | str, data: bytes, *, force: bool = False) -> Path:
    from dpo_tui.paths import OutputError, write_private

    try:
        return write_private(path, data, force=force)
    except OutputError as exc:
        raise OutputRefused(str(exc)) from None
