"""Run the staff console, or create a staff account.

python -m staff_console serve --host 127.0.0.1 --port 8090
python -m staff_console add-user ann --role clinician   # asks for the password twice
printf '%s\n' "$PASSWORD" | python -m staff_console add-user ann --password-stdin
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Sequence

import sqlalchemy.exc

from actions.triage import TriageLog, shown_url
from staff_console.accounts import ROLES, AccountError, StaffAccounts
from staff_console.audit import AuditLog
from staff_console.deletions import carry_out_deletions
from staff_console.retention import DEFAULT_RETENTION_DAYS, purge
from staff_console.settings import ConsoleSettings
from staff_console.store import ConsoleStore


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise AccountError("the two passwords differ")
    return first


def add_user(settings: ConsoleSettings, username: str, role: str, password_stdin: bool) -> int:
    store = ConsoleStore(settings.staff_database_url)
    try:
        StaffAccounts(store).create(username, _read_password(password_stdin), role)
    except AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    AuditLog(store).record("command line", "create_account", username, f"role {role}")
    print(f"created {role} account {username} in {shown_url(settings.staff_database_url)}")
    return 0


def serve(settings: ConsoleSettings, host: str, port: int) -> int:
    import uvicorn

    from staff_console.app import Console, create_app

    try:
        console = Console.from_settings(settings)
    except sqlalchemy.exc.SQLAlchemyError as error:
        print(f"error: cannot open the console's databases: {error.__class__.__name__}: {error}", file=sys.stderr)
        return 1
    print(f"Staff console on http://{host}:{port}/ (accounts in {shown_url(settings.staff_database_url)})", flush=True)
    # No websockets: the console polls, and Rasa pins a websockets older than uvicorn's support.
    uvicorn.run(create_app(console), host=host, port=port, log_level="info", server_header=False, ws="none", http="h11")
    return 0


def run_purge(settings: ConsoleSettings, days: int, dry_run: bool) -> int:
    try:
        conversations = TriageLog(settings.conversations_url)
        store = ConsoleStore(settings.staff_database_url)
        deleted = [] if dry_run else carry_out_deletions(conversations.engine, store)
        result = purge(conversations.engine, store, days, dry_run=dry_run)
    except (sqlalchemy.exc.SQLAlchemyError, ValueError) as error:
        print(f"error: purge failed: {error.__class__.__name__}: {error}", file=sys.stderr)
        return 1
    if deleted:
        print(f"deleted {len(deleted)} conversation(s) their users asked to forget")
    print(("would delete " if dry_run else "deleted ") + result.summary())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve the console")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8090)
    add = commands.add_parser("add-user", help="create a staff account")
    add.add_argument("username")
    add.add_argument("--role", choices=ROLES, default="staff")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    clean = commands.add_parser("purge", help="delete conversations and triage records older than the retention")
    clean.add_argument("--days", type=int, default=int(os.environ.get("RETENTION_DAYS", DEFAULT_RETENTION_DAYS)))
    clean.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")
    args = parser.parse_args(argv)
    settings = ConsoleSettings.from_environ(os.environ)
    if args.command == "add-user":
        return add_user(settings, args.username, args.role, args.password_stdin)
    if args.command == "purge":
        return run_purge(settings, args.days, args.dry_run)
    return serve(settings, args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
