"""Decision walkthroughs (modal): assessment with fee or refusal (`a`), extension (`x`), clarification (`c`).

Each screen validates as you go, says in one line what the law requires at that step, refuses (with the reason
shown) what the law does not allow, and ends by offering the letter the step needs. Keyboard only: tab moves,
space ticks, arrows choose in a radio set, ctrl+s saves, escape cancels.

A walkthrough never touches the database on the UI thread: `flow.open_walkthrough(case_screen, which)` starts a flow (an
async worker) that reads what the step shows in a thread worker (`_Walk.read`), pushes the step and waits for it
(`push_screen_wait`, as Textual's guide does it), then chains to the next step or the letter. A step's save runs the
service in a thread worker (`call_in_thread`, tui/base.py); a refusal is shown on the step's status line, the field
it names focused, and the step stays open with what the DPO typed. A step dismisses with an `Outcome`, or None.
"""
