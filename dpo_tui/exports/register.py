"""The register of requests (rights-requests.md §6) and the management report, read straight from the case table.

Both stream plain SQL rows (no ORM objects, no per-case detail): 100,000 cases take a couple of seconds. The
decision record (JSON) is parsed only for cases that have one.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dpo_tui.domain.clock import ClockState
from dpo_tui.domain.errors import InvalidInput
from dpo_tui.domain.lifecycle import AWAITING, Status
from dpo_tui.domain.records import DecisionRecord
from dpo_tui.domain.states import Outcome, RefusalScope
from dpo_tui.text import csv_cell

COLUMNS = (
    "reference", "received", "rights", "channel", "status", "due", "legal_due", "extended", "final_response",
    "on_time", "outcome", "reason", "case_type", "about", "attachments", "redactions", "delivered",
)  # fmt: skip

_SQL = (
    "SELECT c.ref, c.received, c.rights, c.channel, c.status, c.is_open, c.due, c.legal_due, c.extended, "
    "c.final_response_on, c.outcome, c.decision, c.clock_state, "
    "CASE WHEN c.extended THEN (SELECT ce.reason FROM clock_events ce WHERE ce.case_id = c.id AND ce.kind = 'extended' "
    "ORDER BY ce.id LIMIT 1) END AS ext_reason, c.kind, c.about_ref, "
    # Issue 18: the evidence, the redaction log and the delivery (the newest), one subquery each.
    "(SELECT count(*) FROM stored_files f WHERE f.case_id = c.id) AS n_files, "
    "(SELECT count(*) FROM redactions r WHERE r.case_id = c.id) AS n_redactions, "
    "(SELECT d.delivered_on || ' ' || d.channel || ' ' || coalesce(d.what, '') || coalesce(' sha256 ' || d.manifest_sha256, '') "
    "FROM deliveries d WHERE d.case_id = c.id ORDER BY d.id DESC LIMIT 1) AS delivered "
    "FROM cases c"
)
_EXT_WORDS = {"complex": "complex request", "several_requests": "several requests from the person"}
_AWAITING = tuple(AWAITING)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def _decision(raw: Any) -> dict[str, Any]:
    if not raw:
        return {}
    if isinstance(raw, dict):
        return raw
    if raw in ("{}", "null"):
        return {}
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _stream(db: Any, date_from: date | None, date_to: date | None, year: int | None = None) -> Iterator[Any]:
    from sqlalchemy import Date, bindparam, text

    conds, params = [], {}
    if year is not None:
        date_from = max(date_from or date(year, 1, 1), date(year, 1, 1))
        date_to = min(date_to or date(year, 12, 31), date(year, 12, 31))
    if date_from is not None:
        conds.append("c.received >= :dfrom")
        params["dfrom"] = date_from
    if date_to is not None:
        conds.append("c.received <= :dto")
        params["dto"] = date_to
    sql = _SQL + (" WHERE " + " AND ".join(conds) if conds else "") + " ORDER BY c.received, c.id"
    stmt = text(sql)
    binds = [bindparam(k, type_=Date) for k in params]
    if binds:
        stmt = stmt.bindparams(*binds)
    with db.engine.connect() as conn:
        result = conn.execution_options(yield_per=5000).execute(stmt, params)
        yield from result


def _on_time(status: str, is_open: Any, due: str | None, final: str | None, today: str) -> str:
    if status == Status.WITHDRAWN:
        return "n/a"
    if final and due:
        return "yes" if final <= due else "no"
    if due is None:
        return "n/a" if not is_open else "clock not started"
    if is_open:
        return "no (overdue)" if due < today else "pending"
    return "n/a"


def _refusal_grounds(rec: DecisionRecord) -> list[str]:
    """The finding (if any) then each item's ground, as the register and the report name them."""
    refusal = rec.refusal
    if refusal is None:
        return []
    grounds = [" ".join(i.ground.split()) for i in refusal.items if i.ground]
    if rec.finding:
        grounds.insert(0, rec.finding.replace("_", " "))
    return grounds


def _reason(status: str, outcome: str | None, rec: DecisionRecord, ext_reason: str | None, due: str | None, final: str | None) -> str:
    parts: list[str] = []
    if ext_reason or rec.extension:
        ext = rec.extension
        words = _EXT_WORDS.get((ext.reason if ext else None) or ext_reason or "", ext_reason or "")
        note = ext.note if ext else None
        parts.append(f"extended: {words}" + (f" ({note})" if note else ""))
    if refusal := rec.refusal:
        scope = "refused in part" if refusal.scope is RefusalScope.PARTIAL else "refused"
        grounds = _refusal_grounds(rec)
        reasons = refusal.reasons_text
        parts.append(f"{scope}: " + "; ".join([*grounds, reasons] if reasons else grounds))
    elif outcome == Outcome.COULD_NOT_VERIFY:
        parts.append("refused: identity could not be verified")
    elif status == Status.REFUSED:
        parts.append("refused")
    exempt = rec.exemptions
    if exempt:
        cites = sorted({e.citation for e in exempt})
        parts.append(f"exemptions ({len(exempt)} item{'s' * (len(exempt) != 1)}): " + "; ".join(cites))
    for lapse in rec.lapses:
        if lapse.lapsed_due:
            # Issue 15 (rights-requests.md 2.1 rule 9): a late ID request revived the clock; the lapse stays visible.
            parts.append(
                f"due date {lapse.lapsed_due} lapsed before ID was asked for on {lapse.asked_on}"
                + (f": {lapse.reason}" if lapse.reason else "")
            )
    if final and due and final > due:
        late = (date.fromisoformat(final) - date.fromisoformat(due)).days
        why = rec.delay_reason
        parts.append(f"late by {late} day{'s' if late != 1 else ''}" + (f": {why}" if why else ""))
    return " | ".join(parts)


def _complaints_about(db: Any) -> dict[str, list[str]]:
    """request ref -> the complaints made about it (few rows: read before streaming)."""
    from sqlalchemy import text

    out: dict[str, list[str]] = {}
    with db.engine.connect() as conn:
        for ref, about in conn.execute(text("SELECT ref, about_ref FROM cases WHERE kind = 'complaint' ORDER BY id")):
            out.setdefault(about, []).append(ref)
    return out


def _complaint_row(row: dict[str, str], d: dict[str, Any], about: str | None, status: str, is_open: Any, today_s: str) -> dict[str, str]:
    """A complaint's register row (DPA 2018 s.164A): due = the acknowledgement date; on time = acknowledged in time;
    the final response is the outcome."""
    c = d.get("complaint") if isinstance(d.get("complaint"), dict) else {}
    ack_by, ack_on = c.get("acknowledge_by"), c.get("acknowledged_on")
    if ack_on and ack_by:
        on_time = "yes" if ack_on <= ack_by else "no"
    elif is_open and ack_by:
        on_time = "no (overdue)" if ack_by < today_s else "pending"
    else:
        on_time = "n/a"
    law = "DPA 2018 s.164A" if c.get("statutory") else "no statutory period"
    parts = [f"complaint about {about} ({law}): acknowledge by {ack_by}"]
    if ack_on:
        parts.append(f"acknowledged {ack_on}" + (" (late)" if ack_by and ack_on > ack_by else ""))
    if c.get("outcome"):
        parts.append(f"outcome {c.get('outcome_on')}: {c.get('outcome_label') or c.get('outcome')}")
    return {**row, "due": ack_by or "", "legal_due": ack_by or "", "on_time": on_time, "reason": " | ".join(parts)}


def _balancing_words(d: dict[str, Any]) -> str | None:
    b = (d.get("objection") or {}).get("balancing") if isinstance(d.get("objection"), dict) else None
    if not isinstance(b, dict) or not b:
        return None
    words = f"objection balancing test (Art 21(1)) {b.get('on')}: {b.get('outcome_label') or b.get('outcome')}"
    if b.get("restriction"):
        words += f", restricted since {b.get('restricted_since')} (Art 18(1)(d))"
    return words


def register_rows(db: Any, *, today: date, date_from: date | None = None, date_to: date | None = None) -> Iterator[dict[str, str]]:
    """One row per case, in order of receipt. A complaint (DPA 2018 s.164A) is a row of its own, case_type
    "complaint", naming the request it is about; that request's row names its complaints."""
    today_s = today.isoformat()
    complaints = _complaints_about(db)
    for ref, received, rights, channel, status, is_open, due, legal_due, extended, final, outcome, raw, _clock, ext, kind, about, n_files, n_red, delivered in _stream(db, date_from, date_to):
        due_s, final_s = _iso(due), _iso(final)
        d = _decision(raw)
        if kind == "complaint":
            base = {
                "reference": ref, "received": _iso(received) or "", "rights": rights.replace(",", ";"), "channel": channel,
                "status": status, "due": "", "legal_due": "", "extended": "no", "final_response": final_s or "",
                "on_time": "", "outcome": outcome or ("" if is_open else status), "reason": "", "case_type": "complaint",
                "about": about or "", "attachments": str(n_files or 0), "redactions": str(n_red or 0),
                "delivered": delivered or "",
            }  # fmt: skip
            yield _complaint_row(base, d, about, status, is_open, today_s)
            continue
        reason = _reason(status, outcome, DecisionRecord.from_json(d), ext, due_s, final_s) if (d or ext or outcome == Outcome.COULD_NOT_VERIFY or status == Status.REFUSED or (final_s and due_s and final_s > due_s)) else ""
        extra = [w for w in (_balancing_words(d), "complaints: " + ", ".join(complaints[ref]) if ref in complaints else None) if w]
        if extra:
            reason = " | ".join([reason, *extra]) if reason else " | ".join(extra)
        yield {
            "reference": ref,
            "received": _iso(received) or "",
            "rights": rights.replace(",", ";"),
            "channel": channel,
            "status": status,
            "due": due_s or "",
            "legal_due": _iso(legal_due) or "",
            "extended": "yes" if extended else "no",
            "final_response": final_s or "",
            "on_time": _on_time(status, is_open, due_s, final_s, today_s),
            "outcome": outcome or ("" if is_open else status),
            "reason": reason,
            "case_type": "request",
            "about": "",
            "attachments": str(n_files or 0),
            "redactions": str(n_red or 0),
            "delivered": delivered or "",
        }


def write_register(
    db: Any,
    path: Path | str | None,
    fmt: str,
    *,
    today: date,
    date_from: date | None = None,
    date_to: date | None = None,
    out: Any = None,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
) -> int:
    """Write the register as CSV (cells neutralised against formula injection) or JSON. Returns the row count.

    `path` is written owner-only (0600) and put in place only when complete (never through a symlink, never over an
    existing file unless `force`); `path=None` writes to `out` (a text stream)."""
    if fmt not in ("csv", "json"):
        raise InvalidInput("format", f"'{fmt}' is not a register format (use csv or json)")
    if date_from and date_to and date_from > date_to:
        raise InvalidInput(f"--from {date_from.isoformat()} is after --to {date_to.isoformat()}")
    from dpo_tui.paths import PrivateOutput

    target = PrivateOutput(path, force=force) if path is not None else None
    fh: Any = target.text() if target is not None else out
    n = 0
    try:
        rows = register_rows(db, today=today, date_from=date_from, date_to=date_to)
        if fmt == "csv":
            w = csv.writer(fh, lineterminator="\r\n")
            w.writerow(COLUMNS)
            for row in rows:
                w.writerow([csv_cell(row[c]) for c in COLUMNS])
                n += 1
                if progress is not None and n % 10000 == 0:
                    progress(n)
        else:
            fh.write('{"schema": "dpo-tui/register/1", "generated": "%s", "rows": [' % today.isoformat())
            dumps = json.JSONEncoder(ensure_ascii=False).encode
            for row in rows:
                fh.write(("\n" if n == 0 else ",\n") + dumps(row))
                n += 1
                if progress is not None and n % 10000 == 0:
                    progress(n)
            fh.write("\n]}\n")
        if target is not None:
            target.publish()
    finally:
        if target is not None:
            target.discard()  # no-op once published
    return n


# ---- the report ---------------------------------------------------------------------------------------------------


@dataclass
class Report:
    today: date
    year: int | None
    total: int = 0
    open: int = 0
    overdue: int = 0
    due_this_week: int = 0
    awaiting_requester: int = 0
    responded: int = 0
    on_time: int = 0
    median_days: float | None = None
    p90_days: float | None = None
    by_right: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    extensions: int = 0
    extension_grounds: dict[str, int] = field(default_factory=dict)
    refusals: int = 0
    partial_refusals: int = 0
    refusal_grounds: dict[str, int] = field(default_factory=dict)
    # Complaints to the organisation (DPA 2018 s.164A), counted apart from requests.
    complaints: int = 0
    complaints_open: int = 0
    complaints_acknowledged_in_time: int = 0
    complaints_acknowledged: int = 0
    # The audit chain head (SEQ:HASH) when the figures were read: filed with the report, it lets a reader prove
    # later (`dpo-tui audit verify --anchor`) that no event up to it was lost or rewritten.
    audit_anchor: str | None = None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.responded if self.responded else None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": "dpo-tui/report/1",
            "today": self.today.isoformat(),
            "year": self.year,
            "cases": self.total,
            "open": self.open,
            "overdue": self.overdue,
            "due_this_week": self.due_this_week,
            "awaiting_requester": self.awaiting_requester,
            "responded": self.responded,
            "answered_on_time": self.on_time,
            "on_time_share": None if self.on_time_share is None else round(self.on_time_share, 4),
            "days_to_respond": {"median": self.median_days, "p90": self.p90_days},
            "by_right": self.by_right,
            "by_month": self.by_month,
            "by_status": self.by_status,
            "extensions": {"count": self.extensions, "grounds": self.extension_grounds},
            "refusals": {"count": self.refusals, "partial": self.partial_refusals, "grounds": self.refusal_grounds},
            "complaints": {"count": self.complaints, "open": self.complaints_open,
                           "acknowledged": self.complaints_acknowledged,
                           "acknowledged_in_time": self.complaints_acknowledged_in_time},  # fmt: skip
            "audit_anchor": self.audit_anchor,
        }

    def to_text(self) -> str:
        share = "-" if self.on_time_share is None else f"{self.on_time_share:.1%} ({self.on_time} of {self.responded})"
        scope = f"cases received in {self.year}" if self.year else "all cases"
        lines = [
            f"Report as of {self.today.isoformat()} ({scope}: {self.total})",
            f"  Open {self.open}   overdue {self.overdue}   due this week {self.due_this_week}   awaiting requester {self.awaiting_requester}",
            f"  Answered on time: {share}",
            f"  Days to respond: median {_num(self.median_days)}, 90th percentile {_num(self.p90_days)}",
            "",
            "Requests by right:",
            *[f"  {k.replace('_', ' '):<28}{v:>8}" for k, v in self.by_right.items()],
            "",
            "Requests by month received:",
            *[f"  {k:<28}{v:>8}" for k, v in self.by_month.items()],
            "",
            f"Extensions: {self.extensions}",
            *[f"  {k:<40}{v:>8}" for k, v in self.extension_grounds.items()],
            f"Refusals: {self.refusals} (of which in part: {self.partial_refusals})",
            *[f"  {k[:60]:<60}{v:>8}" for k, v in self.refusal_grounds.items()],
            f"Complaints to us: {self.complaints} (open {self.complaints_open}; acknowledged in time "
            f"{self.complaints_acknowledged_in_time} of {self.complaints_acknowledged})",
            "",
            f"Audit anchor (chain head): {self.audit_anchor or '-'}",
            "  prove later that no event up to it was lost or rewritten: dpo-tui audit verify --anchor SEQ:HASH",
        ]
        return "\n".join(lines)


def _num(v: float | None) -> str:
    return "-" if v is None else (f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}")


def percentile(values: Iterable[int] | Counter[int], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default). `values` may be a Counter (value -> how many
    times), which is how the report keeps days to respond: memory by distinct value, not by case."""
    counts = values if isinstance(values, Counter) else Counter(values)
    n = sum(counts.values())
    if not n:
        return None
    k = (n - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    at_lo = at_hi = 0
    seen = 0
    for value in sorted(counts):  # the lo-th and hi-th smallest (0-based), walking the counts in value order
        if seen <= lo < seen + counts[value]:
            at_lo = value
        seen += counts[value]
        if seen > hi:
            at_hi = value
            break
    return float(at_lo) if lo == hi else at_lo + (at_hi - at_lo) * (k - lo)


def build_report(db: Any, *, today: date, year: int | None = None) -> Report:
    """The figures for the dashboard and `dpo-tui report`. Open/overdue/awaiting are as of today (all cases in
    scope); on-time share and days to respond count cases with a final response (withdrawn excluded)."""
    rep = Report(today=today, year=year)
    today_s = today.isoformat()
    week_s = (today + timedelta(days=7)).isoformat()
    by_right: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    ext_grounds: Counter[str] = Counter()
    ref_grounds: Counter[str] = Counter()
    days: Counter[int] = Counter()  # days to respond -> cases: constant memory at any case count
    for ref, received, rights, channel, status, is_open, due, legal_due, extended, final, outcome, raw, clock, ext, kind, _about, *_pack in _stream(db, None, None, year):
        if kind == "complaint":
            rep.complaints += 1
            rep.complaints_open += 1 if is_open else 0
            c = _decision(raw).get("complaint") or {}
            if c.get("acknowledged_on"):
                rep.complaints_acknowledged += 1
                if c.get("acknowledge_by") and c["acknowledged_on"] <= c["acknowledge_by"]:
                    rep.complaints_acknowledged_in_time += 1
            continue
        rep.total += 1
        rec = _iso(received) or ""
        by_month[rec[:7]] += 1
        by_status[status] += 1
        for r in rights.split(","):
            by_right[r] += 1
        due_s = _iso(due)
        if is_open:
            rep.open += 1
            if status in _AWAITING:
                rep.awaiting_requester += 1
            if due_s is not None and clock not in (ClockState.NOT_STARTED, ClockState.STOPPED):  # no running due date (cached_deadline)
                if due_s < today_s:
                    rep.overdue += 1
                elif due_s <= week_s:
                    rep.due_this_week += 1
        final_s = _iso(final)
        if final_s and status != Status.WITHDRAWN:
            rep.responded += 1
            if due_s and final_s <= due_s:
                rep.on_time += 1
            days[(date.fromisoformat(final_s) - date.fromisoformat(rec)).days] += 1
        rec = DecisionRecord.from_json(_decision(raw) if raw else None)
        if extended:
            rep.extensions += 1
            reason = (rec.extension.reason if rec.extension else None) or ext or "unknown"
            ext_grounds[_EXT_WORDS.get(reason, reason)] += 1
        refusal = rec.refusal
        if refusal or status == Status.REFUSED:
            rep.refusals += 1
            if refusal and refusal.scope is RefusalScope.PARTIAL:
                rep.partial_refusals += 1
            grounds = _refusal_grounds(rec)
            if not refusal and outcome == Outcome.COULD_NOT_VERIFY:
                grounds.append("identity could not be verified")
            for g in dict.fromkeys(grounds or ["no ground recorded"]):
                ref_grounds[g] += 1
    rep.median_days = percentile(days, 0.5)
    rep.p90_days = percentile(days, 0.9)
    rep.by_right = dict(by_right.most_common())
    rep.by_month = dict(sorted(by_month.items()))
    rep.by_status = dict(by_status.most_common())
    rep.extension_grounds = dict(ext_grounds.most_common())
    rep.refusal_grounds = dict(ref_grounds.most_common())
    rep.audit_anchor = _audit_anchor(db)
    return rep


def _audit_anchor(db: Any) -> str:
    from dpo_tui.store import audit

    with db.reader() as s:
        return str(audit.current_anchor(s))


def register_text(db: Any, fmt: str, *, today: date, **kw: Any) -> str:
    buf = io.StringIO(newline="")
    write_register(db, None, fmt, today=today, out=buf, **kw)
    return buf.getvalue()
