"""The action server: rasa-sdk's webhook, with its actions' dependencies passed in.

rasa-sdk's own `create_app` instantiates every Action subclass with no
arguments; this server registers ready-made instances instead, so each action
receives its content base and triage log. It also rebuilds, at start-up and every
`--rebuild-interval` seconds, the triage records it missed while it was down.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import urllib.parse
from pathlib import Path
from typing import Iterable, List, Sequence

import sqlalchemy.exc
from rasa_sdk import Action, utils
from rasa_sdk.endpoint import configure_cors
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.answering import ActionAnswerTopic
from actions.content_reload import ReloadingContentBase
from actions.data_deletion import ActionForgetConversation
from actions.disambiguation import ActionClarifyTopic
from actions.handoff import ActionHandoff, ValidateHandoffForm
from actions.staff_alert import AlertSettings, StaffAlerter, StaffAlertSettingsError
from actions.support_hours import DEFAULT_FILE as DEFAULT_SUPPORT_HOURS
from actions.support_hours import SupportHours, SupportHoursError
from actions.triage import ActionRecordTriage, TriageLog, shown_url, triage_database_url
from actions.triage_rebuild import TriageRebuilder

logger = logging.getLogger(__name__)


def build_actions(
    content_dir: Path, triage: TriageLog, hours: SupportHours, alerter: StaffAlerter | None = None
) -> List[Action]:
    """Create every custom action with its dependencies (`hours`: when the support team works;
    `alerter`: where emergencies page the staff)."""
    content = ReloadingContentBase(content_dir)
    return [
        ActionAnswerTopic(content),
        ActionClarifyTopic(content),
        ActionRecordTriage(triage, alerter),
        ActionHandoff(content, triage, hours),
        ValidateHandoffForm(),
        ActionForgetConversation(triage),
    ]


def create_action_app(actions: Iterable[Action], cors_origins: Sequence[str] = ()) -> Sanic:
    """A Sanic app serving /health, /actions and /webhook for `actions`."""
    executor = ActionExecutor()
    for action in actions:
        executor.register_action(action)

    app = Sanic("spinal_implant_actions", configure_logging=False)
    configure_cors(app, list(cors_origins))

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/actions")
    async def list_actions(_: Request) -> HTTPResponse:
        return response.json([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        action_call = request.json
        if not isinstance(action_call, dict):
            return response.json({"error": "Invalid body request"}, status=400)
        utils.check_version_compatibility(action_call.get("version"))
        try:
            result = await executor.run(action_call)
        except ActionExecutionRejection as error:
            return response.json({"error": error.message, "action_name": error.action_name}, status=400)
        except ActionNotFoundException as error:
            logger.error(error)
            return response.json({"error": error.message, "action_name": error.action_name}, status=404)
        return response.json(result, status=200)

    return app


def keep_rebuilding_triage(
    app: Sanic, rebuilder: TriageRebuilder, alerter: StaffAlerter | None, interval: float
) -> None:
    """From start-up on, every `interval` seconds, write the triage records missed while this
    server was down (and page staff for the emergencies among them)."""

    async def rebuild_forever() -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                written = await loop.run_in_executor(None, rebuilder.run_once)
            except sqlalchemy.exc.SQLAlchemyError as error:
                logger.error("Cannot rebuild triage records from the tracker events: %s", error)
            else:
                for event in written:
                    logger.warning("Rebuilt a missed triage record: %s in %s", event.category, event.sender_id)
                    if alerter is not None:
                        alerter.alert(event)
            await asyncio.sleep(interval)

    @app.after_server_start
    async def start_rebuilding(app: Sanic, *_: object) -> None:
        app.ctx.triage_rebuild = asyncio.get_running_loop().create_task(rebuild_forever())

    @app.before_server_stop
    async def stop_rebuilding(app: Sanic, *_: object) -> None:
        app.ctx.triage_rebuild.cancel()


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(description="Run the spinal implant assistant's action server.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    parser.add_argument("--host", default=os.environ.get("ACTION_HOST", "127.0.0.1"))
    parser.add_argument("--content-dir", type=Path, default=Path(os.environ.get("CONTENT_DIR", "data/content")))
    parser.add_argument(
        "--triage-db-url",
        default=triage_database_url(os.environ),
        help="SQLAlchemy URL of the tracker store's database, where the triage record lives"
        " (default: TRIAGE_DATABASE_URL, or the SQLite file TRACKER_DB)",
    )
    parser.add_argument(
        "--rebuild-interval",
        type=float,
        default=float(os.environ.get("TRIAGE_REBUILD_INTERVAL_S", "30")),
        help="seconds between passes that rebuild missed triage records from the tracker events",
    )
    parser.add_argument(
        "--support-hours",
        type=Path,
        default=Path(os.environ.get("SUPPORT_HOURS_FILE", str(DEFAULT_SUPPORT_HOURS))),
        help="when the support team works, told to the user after a handoff (default: SUPPORT_HOURS_FILE)",
    )
    args = parser.parse_args(list(argv) or None)
    try:
        hours = SupportHours.from_file(args.support_hours)
    except SupportHoursError as error:
        parser.error(str(error))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        alert_settings = AlertSettings.from_environment(os.environ)
    except StaffAlertSettingsError as error:
        parser.error(str(error))
    alerter = StaffAlerter(alert_settings) if alert_settings else None
    try:
        triage = TriageLog(args.triage_db_url)
    except sqlalchemy.exc.SQLAlchemyError as error:
        shown = shown_url(args.triage_db_url)
        parser.exit(
            1, f"error: cannot open the triage record's database {shown}: {error.__class__.__name__}: {error}\n"
        )
    app = create_action_app(build_actions(args.content_dir, triage, hours, alerter))
    keep_rebuilding_triage(app, TriageRebuilder(triage), alerter, args.rebuild_interval)
    if alerter is not None:
        # The URL itself is a secret (whoever has it can post to the staff channel): log the host only.
        logger.info("Staff alerts go to %s", urllib.parse.urlsplit(alerter.settings.url).netloc)

        @app.before_server_stop
        async def deliver_pending_alerts(*_: object) -> None:
            try:
                await asyncio.wait_for(alerter.drain(), timeout=alerter.settings.timeout * alerter.settings.attempts)
            except asyncio.TimeoutError:
                logger.error("Staff alerts still being sent at shut-down were cut off")
    else:
        logger.info("No STAFF_ALERT_WEBHOOK_URL: emergencies are recorded for staff but page nobody")
    logger.info("Action server on http://%s:%s", args.host, args.port)
    app.run(host=args.host, port=args.port, workers=1, access_log=False)
