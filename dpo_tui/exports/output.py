"""Safe file writing moved to `dpo_tui.output` (services write calendars with it too); the old path keeps working."""

from dpo_tui.output import OutputRefused, write_output

__all__ = ["OutputRefused", "write_output"]
