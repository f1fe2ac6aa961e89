"""The `dpo-tui` command line.

Subcommands live in their own modules and are imported only when invoked, so `dpo-tui --help` and
`dpo-tui deadline` never pay for Textual (~0.4 s) or SQLAlchemy (~0.4 s).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click
import click.exceptions

from dpo_tui import __version__

# name -> (module, attribute, one-line help). The help is repeated here so `--help` lists every
# subcommand without importing any of them.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "new": ("dpo_tui.cli.casework", "new", "Log a rights request and print its reference."),
    "cases": ("dpo_tui.cli.casework", "cases", "List cases (filter by status, overdue, due within N days)."),
    "show": ("dpo_tui.cli.casework", "show", "Show one case, with its deadline explained."),
    "status": ("dpo_tui.cli.casework", "status", "Move a case to a status (the queue's and case screen's rules)."),
    "deadline": ("dpo_tui.cli.deadline_cmd", "deadline", "Compute a legal due date and explain it (quick calculator)."),
    "audit": ("dpo_tui.cli.admin", "audit", "Verify the tamper-evident audit trail."),
    "db": ("dpo_tui.cli.admin", "db", "Upgrade, back up or secure (owner-only) the case database."),
    "config": ("dpo_tui.cli.admin", "config", "Show the settings file path, or check the settings."),
    "demo": ("dpo_tui.cli.demo", "demo", "Fill a database with realistic synthetic cases and open it."),
    "exemption": ("dpo_tui.cli.exemptions_cmd", "exemption", "The exemption log of a case: list, add, remove."),
    "complaint": ("dpo_tui.cli.complaints_cmd", "complaint", "Complaints to us about a request (UK DPA 2018 s.164A): new, ack, outcome, list."),
    "objection": ("dpo_tui.cli.complaints_cmd", "objection", "Record the Art 21(1) balancing test of an objection."),
    "letter": ("dpo_tui.cli.exports_cmd", "letter", "Draft a letter for a case (without KIND: which letters apply); --send emails it."),
    "export": ("dpo_tui.cli.exports_cmd", "export", "Export case summaries as Markdown, HTML or JSON."),
    "register": ("dpo_tui.cli.exports_cmd", "register", "The register of requests, one row per case (CSV or JSON)."),
    "report": ("dpo_tui.cli.exports_cmd", "report", "Figures for management: open, overdue, on time, days to respond."),
    "due": ("dpo_tui.cli.due_cmd", "due", "What needs action soon, for cron: exit 0 nothing, 1 due soon, 2 overdue."),
    "calendar": ("dpo_tui.cli.due_cmd", "calendar", "Write due dates, extension cut-offs and follow-ups as an .ics file."),
    "follow-up": ("dpo_tui.cli.due_cmd", "follow_up", "Set a follow-up date with a note on a case (or --done)."),
    "digest": ("dpo_tui.cli.mail_cmd", "digest", "Email what `due` shows (text and HTML), one per assignee in team mode."),
    "import": ("dpo_tui.cli.intake_cmd", "import_cmd", "Import mail (.eml, .msg, mbox, Maildir) and web-form exports as cases."),
    "fetch": ("dpo_tui.cli.intake_cmd", "fetch", "Read new messages from the IMAP mailbox in the settings and import them."),
    "mail-answers": ("dpo_tui.cli.intake_cmd", "mail_answers", "Messages that may answer a case's awaited step; --record ID records it."),
    "retention": ("dpo_tui.cli.retention_cmd", "retention", "Closed cases past retention, what holds block; --apply purges them."),
    "hold": ("dpo_tui.cli.retention_cmd", "hold", "Legal holds on a case or a requester: place, release, list."),
    "undo": ("dpo_tui.cli.retention_cmd", "undo", "Undo the last action on a case, as a new audited action."),
    "person": ("dpo_tui.cli.retention_cmd", "person", "Everything the case database holds about a person; --erase."),
    "attach": ("dpo_tui.cli.pack_cmd", "attach", "Attach files to a case (and a checklist item), kept inside the database."),
    "attachments": ("dpo_tui.cli.pack_cmd", "attachments", "A case's attachments, redaction log, packs and deliveries (--save ID writes one out)."),
    "redact": ("dpo_tui.cli.pack_cmd", "redact", "Suggest and confirm redactions in a text attachment, or link a copy redacted elsewhere."),
    "withhold": ("dpo_tui.cli.pack_cmd", "withhold", "Withhold a whole attachment from the response, with its reason."),
    "pack": ("dpo_tui.cli.pack_cmd", "pack", "Build the encrypted response pack (pack REF -o DIR), or verify one (pack verify ARCHIVE)."),
    "deliver": ("dpo_tui.cli.pack_cmd", "deliver", "Record the delivery of the pack or a letter: channel, day (backdated with a reason)."),
    "queue": ("dpo_tui.cli.tui_cmd", "queue", "Open the case queue (the default when no command is given)."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module = importlib.import_module(spec[0])
        return getattr(module, spec[1])

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(n, COMMANDS[n][2]) for n in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    # Every failure, from click's own usage errors to a read-only database, leaves as one line on stderr.
    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            result = super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            converted = _one_line(exc, ctx)
            if converted is exc:
                raise
            raise converted from None
        warning = (ctx.obj or {}).get("warning")  # e.g. a database file others can read (common.open_database)
        if warning:
            click.echo(warning, err=True)
        return result

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # `--db` is accepted after the subcommand too: hoist it in front so the group sees it.
        return super().parse_args(ctx, _hoist_db_option(args))


def _one_line(exc: Exception, ctx: click.Context | None = None) -> Exception:
    from dpo_tui.cli.common import one_line_error

    return one_line_error(exc, ctx) or exc


def _hoist_db_option(args: list[str]) -> list[str]:
    out: list[str] = []
    hoisted: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            out.extend(args[i:])
            break
        if a == "--db" and i + 1 < len(args):
            hoisted += [a, args[i + 1]]
            i += 2
            continue
        if a.startswith("--db="):
            hoisted.append(a)
        else:
            out.append(a)
        i += 1
    return hoisted + out


def _settings_path_hint() -> str:
    from dpo_tui.paths import settings_path

    return str(settings_path())


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=f"Settings file: {_settings_path_hint()} (override with DPO_TUI_CONFIG; `dpo-tui config check` validates it).",
)
@click.version_option(__version__, prog_name="dpo-tui")
@click.option(
    "--db",
    "db",
    metavar="PATH_OR_URL",
    envvar="DPO_TUI_DB",
    help="SQLite file or postgresql+psycopg:// URL (default: the user data directory; env DPO_TUI_DB).",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """dpo-tui: work data subject rights requests from the keyboard, with legally exact deadlines."""
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is None:
        ctx.invoke(cli.get_command(ctx, "queue"))  # type: ignore[union-attr]


def main(argv: list[str] | None = None) -> Any:
    from dpo_tui.launch import main as launch

    return launch(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
