"""The key bar: the keys of the screen in front, kept current as the screen changes, and clickable."""

from __future__ import annotations

from dpo_tui.tui.modals.new_request import NewRequestScreen
from dpo_tui.tui.screens.case import CaseScreen
from dpo_tui.tui.widgets.key_bar import KeyBar
from tests.tui.harness import make_app, settle
from tests.tui.test_queue import fixed_clock, seeded  # noqa: F401  (fixtures)


def bar_text(app) -> str:  # type: ignore[no-untyped-def]
    bar = app.screen.query_one(KeyBar)
    return "".join(text for text, _style in bar.pieces(bar.size.width))


async def test_the_bar_lists_the_queue_keys_then_the_case_keys(seeded, settings) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, _refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        text = bar_text(app)
        assert "n New request" in text and "/ Search" in text
        assert "Fetch mail" not in text  # a binding with show=False stays off the bar
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CaseScreen)
        assert "New request" not in bar_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "n New request" in bar_text(app)


async def test_clicking_a_key_on_the_bar_presses_it(seeded, settings) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, _refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        column = bar_text(app).index(" n New request")
        await pilot.click(KeyBar, offset=(column + 1, 0))
        await settle(app, pilot)
        assert isinstance(app.screen, NewRequestScreen)


async def test_a_narrow_bar_shows_whole_keys_only(seeded, settings) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, _refs = seeded
    app = make_app(url, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        bar = app.screen.query_one(KeyBar)
        pieces = bar.pieces(80)
        descriptions = {binding.description for _key, (_node, binding, _on, _tip) in app.screen.active_bindings.items()}
        assert sum(len(text) for text, _style in pieces) <= 80
        assert pieces[-1][0].strip() in descriptions  # ends with a whole description, never " S Set" or " q"
        assert len(pieces) < 2 * len(descriptions)  # and the queue has more keys than 80 cells hold


async def test_a_key_the_settings_rebind_keeps_its_place_on_the_bar(seeded, settings) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """A DPO's `[keymap]` moves a key, not its place: Textual re-adds a rebound binding after the others, and at 80
    columns the bar then left it off (the shipped example file rebinds search)."""
    url, _refs = seeded
    as_shipped = make_app(url, settings)
    async with as_shipped.run_test(size=(160, 40)) as pilot:
        await settle(as_shipped, pilot)
        shipped = bar_text(as_shipped).split()
    rebound = make_app(url, settings._replace(keymap={"queue.search": "f", "queue.assign": "ctrl+g"}))
    async with rebound.run_test(size=(160, 40)) as pilot:
        await settle(rebound, pilot)
        words = bar_text(rebound).split()
    assert "f" in words and "/" not in words and "^g" in words
    assert words == [{"/": "f", "a": "^g"}.get(word, word) for word in shipped]  # same keys, same places
