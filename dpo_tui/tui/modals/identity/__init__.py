"""The identity verification walkthrough (issue 5, `v` on a case): a modal that asks the questions in order and
records the answers. Find a step by its name:

- `walkthrough.py`: `IdentityWalkthrough`, the modal: which step shows, escape back, the one save path (a thread
  worker), the one error path, enter in a field;
- `need.py`: step 1, is verification needed at all? ("not needed" is recorded here);
- `who.py`: step 2, who is asking (self, agent, parent; a child's age and competence);
- `ask.py`: step 3, what to ask for, and sending the request (late: why now);
- `done.py`: step 4, request sent, and the end of every path: the summary and the letter;
- `arrival.py`: step 5, what arrived (or no response);
- `outcome.py`: step 6, the outcome (verified, could not verify, withdrawn);
- `step.py`: `Step`, what every step shares.

It opens at the step the case has reached: a case awaiting ID opens at step 5, one whose information arrived at
step 6, a verified one at step 2 ("more information requested"). A closed case is refused in the form. Each step
shows in one line what the law requires, validates before anything is saved (the error appears in the form, nothing
is written), and records through `dpo_tui.services.identity`.

Keyboard: tab / shift+tab move between fields, enter in a field (or on the button) does the step's action,
escape goes back a step (before anything is saved) or closes. Dismisses with the last CaseDetail (or None).
"""

from dpo_tui.tui.modals.identity.walkthrough import IdentityWalkthrough

__all__ = ["IdentityWalkthrough"]
