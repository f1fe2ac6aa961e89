"""What happens to a case file past retention (policy `retention_action`; see domain.retention).

Apart from the retention rules because the settings check the policy's action on every start, before the queue's
first paint: the rules' module imports dateutil (~3 ms there), the names alone cost nothing."""

from __future__ import annotations

ANONYMISE = "anonymise"
PURGE = "purge"
ACTIONS = {
    ANONYMISE: "personal data removed; the case file keeps its structure (deadline ledger, checklist, letters sent "
    "by kind and date, decisions without free text) and its register row",
    PURGE: "the case file is deleted (checklist, letters, notes, files, follow-ups); only the anonymised register "
    "row and its deadline ledger stay",
}
DEFAULT_ACTION = ANONYMISE
