"""Read-only views of cases for people outside the app: case summaries (md, html, json), the register, the report.

Every value a requester wrote is untrusted: it is escaped for the format it lands in (`dpo_tui.text`).
"""
