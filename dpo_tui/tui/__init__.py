"""The terminal UI. Find a room by its name:

- `app.py`: `DpoApp`, the typed app contract every screen sees as `self.app` (casework, settings, today).
- `base.py`: `DpoScreen` / `DpoModal`, the thread workers every database call runs in, and the one error path.
- `screens/`: full screens. `queue.py` (home: views, search, sort, marks, bulk), `case.py` (a case and its tabs),
  `case_checklist.py` (the case screen's checklist keys t N o + C), `case_pack.py` (the response pack's keys A X p D),
  `dashboard.py` (`d`, with the HTML report's
  charts as bars), `triage.py` (`i`: intake items to log, attach or dismiss; `f` fetches the IMAP mailbox).
- `modals/`: dialogs and walkthrough steps pushed on top of a screen. `decisions/` (`a` menu and flow, assess, fees,
  refusal, extend `x`, clarify `c`), `identity/` (`v`: one module a step, the modal in
  `walkthrough.py`), `new_request.py` (`n`), `letter.py` (`l`), `export.py`
  (`e`), `checklist.py` (tick / prompt / complete), `prompts.py` (confirm, ask, choose), `explain.py` (`w`),
  `note.py` (`m`), `help.py` (`?`), `follow_up.py` (`f`), `original.py` (`O`: messages as received),
  `pack.py` (file picker, redaction confirmation, passphrase shown once, delivery).
- `widgets/`: reusable widgets. `queue_table.py` (the virtual table), `badge.py` (the deadline badge),
  `case_header.py` (the case screen's header) and `case_tabs/` (the case screen's tabs, one module a tab named after
  it: overview, identity, decision, checklist, letters, timeline, attachments; each renders a `LoadedCase`).
- `formatting.py`: words and Rich text for what screens show; `text.py`: `literal()` for anything a person wrote.
- `styles/*.tcss`: all CSS, one file per room, shared classes (`.modal-frame`) in `app.tcss`.

Every screen's `escape` (back) and `r` (reload) are `DpoScreen`'s; a screen says what reload reads in `load()`.
A key press leads to `<screen>.action_<name>` (its `Binding` id says which screen), which runs the service call in a
thread worker (`base.py`) and shows the result or the typed error.
"""
