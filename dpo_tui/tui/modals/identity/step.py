"""What every step of the identity walkthrough shares: `Step`, a container with its own fields and handlers.

A step reads the case and saves through the walkthrough that holds it (`self.walk`): `walk.detail` is the case as
last saved, `walk.record(...)` is the one save path (a thread worker), `walk.show_error(...)` the one error path,
`walk.show_step(n)` / `walk.finish(...)` the navigation. The class attributes tell the walkthrough what it needs to
know about the step without reaching into it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.containers import Vertical

if TYPE_CHECKING:
    from dpo_tui.tui.modals.identity.walkthrough import IdentityWalkthrough


class Step(Vertical):
    NUMBER: ClassVar[int]  # its place in rules.LAW and in the title ("step N of 6")
    TITLE: ClassVar[str]  # the question the step answers, shown in the title
    DOM_ID: ClassVar[str]  # the container's id (`#step-1` ... `#step-done`)
    FIRST: ClassVar[str]  # the widget focused when the step shows
    PRIMARY: ClassVar[str | None] = None  # the button enter in a field presses
    FIELDS: ClassVar[dict[str, str]] = {}  # the `field` of an InvalidInput -> the widget to focus

    def __init__(self, walk: IdentityWalkthrough) -> None:
        super().__init__(id=self.DOM_ID, classes="step")
        self.walk = walk

    def prepare(self) -> None:
        """Fill what the step shows from the case, each time the step is shown."""

    def val(self, selector: str) -> Any:
        """The value of one of this step's fields."""
        return self.query_one(selector).value  # type: ignore[attr-defined]
