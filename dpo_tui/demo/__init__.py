"""Synthetic demo data: many simple cases inserted in bulk, plus "story" cases worked through the real services
so that every path (identity, fees, refusals, extensions, clarification, checklists, letters) appears exactly as
the app would have recorded it.

A story is `def story(work: Casework, today: date, rng: random.Random) -> None`; modules in this package list
theirs in `STORIES`. `dpo_tui.demo.generate` runs them all.
"""


def generate(*args, **kwargs):  # type: ignore[no-untyped-def]
    """See `dpo_tui.demo.generate.generate` (imported lazily: it loads the ORM)."""
    from dpo_tui.demo.generate import generate as _generate

    return _generate(*args, **kwargs)
