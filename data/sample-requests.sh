#!/usr/bin/env sh
# Sample request inputs: log a handful of requests from the command line, as a DPO would from a mailbox.
# Usage: sh data/sample-requests.sh [--db PATH_OR_URL]     (default: your case database; try --db /tmp/try.db)
# The last one is hostile on purpose: markup, an escape sequence and a CSV formula stay inert everywhere.
set -eu
dpo-tui "$@" new --name "Ada Lovelace" --email ada@example.org --rights access --received 2026-11-02 \
  --channel email --description "Please send me a copy of all personal data you hold about me."
dpo-tui "$@" new --name "Grace Hopper" --email grace@example.com --rights erasure,objection,withdraw_consent \
  --received 2026-11-10 --channel web --description "Delete my data and stop all marketing emails."
dpo-tui "$@" new --name "Alan Turing" --email alan@example.net --rights rectification --received 2026-11-16 \
  --channel post --description "My job title in your CRM is wrong; it should read Principal Engineer."
dpo-tui "$@" new --name "Claire Dubois" --email claire@example.fr --rights access,portability --received 2026-11-18 \
  --regime eu-gdpr --member-state FR --description "Merci de m'envoyer mes données dans un format lisible par machine."
dpo-tui "$@" new --name "[bold red]Mallory[/] =HYPERLINK(\"http://x\")" --email "mallory@example.org" \
  --rights access --received 2026-11-20 --description "$(printf '<script>alert(1)</script> \033[31mred')"
