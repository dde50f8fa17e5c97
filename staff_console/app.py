"""The staff console: a Starlette app, its own process and port, apart from the patient-facing servers.

Every route but the login page and the static files needs a session; every form carries a
CSRF token (the login form a double-submit cookie, the rest the session's token). Pages are
Jinja2 templates with autoescaping; the queue page updates itself from `/api/queue`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import logging
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable
from urllib.parse import quote

import sqlalchemy.exc
from starlette.applications import Starlette
from starlette.datastructures import FormData, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from actions.content_base import ContentError
from actions.triage import TriageLog
from staff_console.accounts import LoginOutcome, StaffAccounts, StaffSession
from staff_console.analytics import (
    Report,
    build_report,
    read_flags,
    read_user_messages,
    read_user_messages_from_feed,
)
from staff_console.audit import AuditLog
from staff_console.cases import TriageQueue, UnknownCase
from staff_console.charts import bar_chart, column_chart
from staff_console.content_review import ReviewConflict, approve, review_rows
from staff_console.deletions import carry_out_deletions
from staff_console.exports import CSV_TABLES, csv_text
from staff_console.settings import ConsoleSettings
from staff_console.store import ConsoleStore
from staff_console.takeover import (
    LIVE_CHANNELS,
    MAX_REPLY_CHARS,
    AssistantUnavailable,
    InvalidReply,
    RasaConversations,
    StaffMessages,
)
from staff_console.transcripts import LiveState, read_live_state, read_transcript

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
OPEN_PATHS = ("/login", "/static/", "/healthz", "/favicon.ico")
MAX_BODY_BYTES = 64 * 1024
SPEAKER_NAMES = {"user": "User", "bot": "Assistant", "staff": "Support team"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass
class Console:
    """What the routes use, passed in (tests give their own databases and clock)."""

    settings: ConsoleSettings
    accounts: StaffAccounts
    audit: AuditLog
    queue: TriageQueue
    conversations: TriageLog  # the tracker store's database, read for transcripts
    store: ConsoleStore | None = None  # given: the users' deletion requests are carried out here
    assistant: RasaConversations | None = None  # given: staff can write into conversations

    @classmethod
    def from_settings(cls, settings: ConsoleSettings) -> "Console":
        store = ConsoleStore(settings.staff_database_url)
        conversations = TriageLog(settings.conversations_url)
        assistant = None
        if settings.rasa_token is not None:
            messages = StaffMessages.from_domain(settings.domain_file)
            assistant = RasaConversations(settings.rasa_url, settings.rasa_token, messages)
        else:
            logger.warning("No token for Rasa's HTTP API (RASA_AUTH_TOKEN): staff cannot reply from the console")
        return cls(
            settings,
            StaffAccounts(store),
            AuditLog(store),
            TriageQueue(conversations.engine, store),
            conversations,
            store,
            assistant,
        )


def _staff(request: Request) -> StaffSession:
    return request.state.staff


async def _checked_form(request: Request) -> FormData:
    """The posted form, refused (403) unless it carries the session's CSRF token."""
    form = await request.form()
    token = str(form.get("csrf_token", ""))
    if not hmac.compare_digest(token, _staff(request).csrf_token):
        raise HTTPException(403, "The form's security token is missing or out of date: reload the page and try again.")
    return form


class SessionGate:
    """Lets a request through only with a live session (except OPEN_PATHS), and adds the security
    headers to every response. Plain ASGI: the body-size limit's 413 passes through it as is."""

    def __init__(self, app: ASGIApp, accounts: StaffAccounts) -> None:
        self._app = app
        self._accounts = accounts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        request = Request(scope)
        path = request.url.path
        if not path.startswith(OPEN_PATHS):
            session = self._accounts.session(request.cookies.get(SESSION_COOKIE))
            if session is None:
                response: Response
                if path.startswith("/api/") or request.method != "GET":
                    response = JSONResponse({"error": "login required"}, status_code=401)
                else:
                    response = RedirectResponse(f"/login?next={quote(path)}", status_code=303)
                await response(scope, receive, send_secured)
                return
            scope.setdefault("state", {})["staff"] = session
        await self._app(scope, receive, send_secured)


def create_app(console: Console) -> Starlette:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["severity_names"] = {0: "emergency", 1: "possible emergency", 2: "urgent", 3: "handoff"}
    templates.env.globals["speaker_names"] = SPEAKER_NAMES

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        staff = getattr(request.state, "staff", None)
        return templates.TemplateResponse(request, name, {"staff": staff, **context}, status_code=status_code)

    def audit(request: Request, action: str, target: str = "", detail: str = "") -> None:
        console.audit.record(_staff(request).username, action, target, detail)

    def login_form(
        request: Request, token: str, next_page: str | None, error: str | None = None, status_code: int = 200
    ) -> Response:
        """The login page with its double-submit CSRF token in the form and in a cookie."""
        response = page(
            request,
            "login.html",
            status_code=status_code,
            login_csrf=token,
            next=_safe_next(next_page),
            error=error,
            no_accounts=error is None and not console.accounts.usernames(),
        )
        _set_cookie(response, LOGIN_CSRF_COOKIE, token, console.settings.secure_cookies, max_age=3600)
        return response

    async def login_page(request: Request) -> Response:
        # Kept while it lasts: a second login page (another tab) must not void the first one's form.
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
        return login_form(request, token, request.query_params.get("next"))

    async def login(request: Request) -> Response:
        form = await request.form()
        cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not cookie or not hmac.compare_digest(str(form.get("csrf_token", "")), cookie):
            raise HTTPException(403, "The login form's security token is missing or out of date: reload the page.")
        username = str(form.get("username", "")).strip().lower()[:64]
        outcome = console.accounts.authenticate(username, str(form.get("password", ""))[:1024])
        if outcome is not LoginOutcome.OK:
            console.audit.record(username or "-", f"login_{outcome.value}")
            message = (
                "This account is locked after too many failed attempts. Try again later or ask an administrator."
                if outcome is LoginOutcome.LOCKED
                else "Wrong username or password."
            )
            status = 401 if outcome is LoginOutcome.WRONG else 423
            return login_form(request, secrets.token_urlsafe(32), str(form.get("next", "")), message, status)
        console.audit.record(username, "login")
        response = RedirectResponse(_safe_next(str(form.get("next", ""))), status_code=303)
        _set_cookie(
            response,
            SESSION_COOKIE,
            console.accounts.start_session(username),
            console.settings.secure_cookies,
            max_age=int(console.accounts.session_s),
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE)
        return response

    async def logout(request: Request) -> Response:
        await _checked_form(request)
        audit(request, "logout")
        console.accounts.end_session(request.cookies.get(SESSION_COOKIE, ""))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    async def queue_page(request: Request) -> Response:
        return page(request, "queue.html", items=console.queue.items(), poll_ms=console.settings.live_poll_ms)

    async def queue_api(request: Request) -> Response:
        return JSONResponse({"items": [item.as_dict() for item in console.queue.items()]})

    def live_state(sender_id: str) -> LiveState:
        return read_live_state(console.conversations.engine, sender_id, time.time())

    def conversation_view(
        request: Request,
        contact: str | None,
        error: str | None = None,
        draft: str = "",
        status_code: int = 200,
    ) -> Response:
        sender_id = request.path_params["sender_id"]
        records = _records_or_404(console.queue, sender_id)
        state = live_state(sender_id)
        return page(
            request,
            "conversation.html",
            status_code=status_code,
            sender_id=sender_id,
            records=records,
            transcript=read_transcript(console.conversations.engine, sender_id),
            status=console.queue.status(sender_id),
            history=console.audit.recent(50, target=sender_id),
            contact=contact,
            live=state,
            live_channel=LIVE_CHANNELS.get(state.channel or ""),
            can_reply=console.assistant is not None,
            max_reply_chars=MAX_REPLY_CHARS,
            error=error,
            draft=draft,
            poll_ms=console.settings.live_poll_ms,
        )

    async def conversation_page(request: Request) -> Response:
        response = conversation_view(request, contact=None)
        audit(request, "view_conversation", request.path_params["sender_id"])
        return response

    async def reveal_contact(request: Request) -> Response:
        await _checked_form(request)
        sender_id = request.path_params["sender_id"]
        response = conversation_view(request, console.queue.contact(sender_id) or "no contact details were given")
        audit(request, "reveal_contact", sender_id)
        return response

    async def conversation_api(request: Request) -> Response:
        sender_id = request.path_params["sender_id"]
        _records_or_404(console.queue, sender_id)
        state = live_state(sender_id)
        turns = read_transcript(console.conversations.engine, sender_id)
        return JSONResponse(
            {
                "turns": [asdict(turn) for turn in turns],
                "channel": state.channel,
                "takeover": asdict(state.takeover) if state.takeover else None,
            }
        )

    def staff_action(
        name: str, act: Callable[[RasaConversations, str, str, str, LiveState], Awaitable[None]]
    ) -> Callable[[Request], Awaitable[Response]]:
        """A POST that writes into the conversation through Rasa's HTTP API: refused when the console
        has no token or the channel cannot carry it; on failure the page comes back with the error and
        the staff member's draft, so nothing typed is lost."""

        async def endpoint(request: Request) -> Response:
            form = await _checked_form(request)
            sender_id = request.path_params["sender_id"]
            _records_or_404(console.queue, sender_id)
            draft = str(form.get("text", ""))
            if console.assistant is None:
                raise HTTPException(503, "Replying is off: the console has no token for the assistant's HTTP API.")
            state = live_state(sender_id)
            if state.channel not in LIVE_CHANNELS:
                channel = state.channel or "an unknown channel"
                message = f"This conversation came through {channel}, which cannot show a message sent from here."
                message += " Use the contact details instead."
                return conversation_view(request, None, message, draft, status_code=409)
            staff = _staff(request).username
            try:
                await act(console.assistant, sender_id, staff, draft, state)
            except InvalidReply as error:
                return conversation_view(request, None, str(error), draft, status_code=400)
            except AssistantUnavailable as error:
                logger.error("Staff %s in %s failed: %s", name, sender_id, error)
                message = f"Not sent: {error}. Your text is kept below; try again in a moment."
                return conversation_view(request, None, message, draft, status_code=503)
            if name != "hand_back":  # writing to the user is seeing the case
                console.queue.acknowledge(sender_id, staff)
            audit(request, name, sender_id, f"{len(draft.strip())} characters" if draft.strip() else "")
            return RedirectResponse(f"/conversations/{quote(sender_id, safe='')}", status_code=303)

        return endpoint

    async def do_take_over(api: RasaConversations, sender_id: str, staff: str, _: str, state: LiveState) -> None:
        await api.take_over(sender_id, staff)

    async def do_reply(api: RasaConversations, sender_id: str, staff: str, text: str, state: LiveState) -> None:
        await api.reply(sender_id, staff, text, already_holding=state.takeover is not None)

    async def do_hand_back(api: RasaConversations, sender_id: str, staff: str, _: str, state: LiveState) -> None:
        await api.hand_back(sender_id)

    def case_action(name: str, act: Callable[[str, str], None]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            await _checked_form(request)
            sender_id = request.path_params["sender_id"]
            try:
                act(sender_id, _staff(request).username)
            except UnknownCase:
                raise HTTPException(404, "No flagged conversation has this id.") from None
            audit(request, name, sender_id)
            return RedirectResponse(f"/conversations/{quote(sender_id, safe='')}", status_code=303)

        return endpoint

    def report(request: Request) -> Report:
        try:
            days = int(request.query_params.get("days", "30"))
        except ValueError:
            raise HTTPException(400, "days must be a whole number from 1 to 366.") from None
        if not 1 <= days <= 366:
            raise HTTPException(400, "days must be a whole number from 1 to 366.")
        until = dt.datetime.now(dt.timezone.utc).date()
        since = until - dt.timedelta(days=days - 1)
        engine = console.conversations.engine
        from_feed = console.settings.analytics_source == "event_feed"
        messages = (read_user_messages_from_feed if from_feed else read_user_messages)(engine, since)
        return build_report(messages, read_flags(engine, since), console.audit.recent(100_000), since, until)

    async def analytics_page(request: Request) -> Response:
        figures = report(request)
        daily = [(d.day.strftime("%m-%d"), d) for d in figures.days]
        charts = {
            "conversations": column_chart("Conversations per day", [(label, d.conversations) for label, d in daily]),
            "unanswered": column_chart(
                "Share of messages unanswered (fallback or out of scope) per day, %",
                [(label, round(100 * d.unanswered_share, 1)) for label, d in daily],
            ),
            "emergencies": column_chart("Emergencies per day", [(label, d.emergencies) for label, d in daily]),
            "topics": bar_chart("Questions per topic", figures.topic_totals()),
        }
        return page(request, "analytics.html", report=figures, totals=figures.totals(), charts=charts)

    async def analytics_csv(request: Request) -> Response:
        table = request.query_params.get("table", "days")
        if table not in CSV_TABLES:
            raise HTTPException(400, f"table must be one of {', '.join(CSV_TABLES)}.")
        figures = report(request)
        audit(request, "export_csv", detail=f"{table}, {figures.since} to {figures.until}")
        filename = f"analytics-{table}-{figures.since}-{figures.until}.csv"
        return Response(
            csv_text(figures, table),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    async def content_page(request: Request) -> Response:
        today = dt.datetime.now(dt.timezone.utc).date()
        approved = request.query_params.get("approved", "")
        rows = review_rows(console.settings.content_dir, today)
        changed = next((r for r in rows if r.topic_id == approved), None)
        return page(request, "content.html", rows=rows, today=today, changed=changed)

    async def approve_content(request: Request) -> Response:
        form = await _checked_form(request)
        staff = _staff(request)
        if staff.role != "clinician":
            raise HTTPException(403, "Only a clinician's account can approve content.")
        topic_id = request.path_params["topic_id"]
        try:
            version = int(str(form.get("version", "")))
        except ValueError:
            raise HTTPException(400, "The form did not say which version you approve.") from None
        today = dt.datetime.now(dt.timezone.utc).date()
        try:
            path = approve(console.settings.content_dir, topic_id, version, staff.username, today)
        except ReviewConflict as error:
            raise HTTPException(409, f"Not approved: {error}.") from None
        except ContentError as error:
            raise HTTPException(422, f"Not approved, the content check refused the change: {error}") from None
        audit(request, "approve_content", topic_id, f"version {version}, {path.name}")
        return RedirectResponse(f"/content?approved={quote(topic_id, safe='')}", status_code=303)

    async def audit_page(request: Request) -> Response:
        return page(request, "audit.html", entries=console.audit.recent(500))

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def no_favicon(request: Request) -> Response:
        return Response(status_code=204)

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": error.detail}, status_code=error.status_code)
        return page(request, "error.html", status_code=error.status_code, message=error.detail)

    routes = [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/", queue_page, methods=["GET"]),
        Route("/api/queue", queue_api, methods=["GET"]),
        Route("/conversations/{sender_id}", conversation_page, methods=["GET"]),
        Route(
            "/conversations/{sender_id}/acknowledge",
            case_action("acknowledge", console.queue.acknowledge),
            methods=["POST"],
        ),
        Route("/conversations/{sender_id}/resolve", case_action("resolve", console.queue.resolve), methods=["POST"]),
        Route("/conversations/{sender_id}/reveal-contact", reveal_contact, methods=["POST"]),
        Route("/conversations/{sender_id}/take-over", staff_action("take_over", do_take_over), methods=["POST"]),
        Route("/conversations/{sender_id}/reply", staff_action("staff_reply", do_reply), methods=["POST"]),
        Route("/conversations/{sender_id}/hand-back", staff_action("hand_back", do_hand_back), methods=["POST"]),
        Route("/api/conversations/{sender_id}", conversation_api, methods=["GET"]),
        Route("/analytics", analytics_page, methods=["GET"]),
        Route("/analytics.csv", analytics_csv, methods=["GET"]),
        Route("/content", content_page, methods=["GET"]),
        Route("/content/{topic_id}/approve", approve_content, methods=["POST"]),
        Route("/audit", audit_page, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/favicon.ico", no_favicon, methods=["GET"]),
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = asyncio.create_task(keep_deleting(console)) if console.store is not None else None
        yield
        if task is not None:
            task.cancel()

    app = Starlette(
        lifespan=lifespan,
        routes=routes,
        middleware=[Middleware(SessionGate, accounts=console.accounts)],
        exception_handlers={HTTPException: http_error},
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.console = console
    return app


async def keep_deleting(console: Console) -> None:
    """Carry out the users' deletion requests every `deletion_interval_s`, for as long as the console runs."""
    assert console.store is not None
    while True:
        try:
            await asyncio.to_thread(carry_out_deletions, console.conversations.engine, console.store)
        except sqlalchemy.exc.SQLAlchemyError:
            logger.exception("Could not carry out the deletion requests; trying again")
        await asyncio.sleep(console.settings.deletion_interval_s)


def _records_or_404(queue: TriageQueue, sender_id: str) -> Any:
    try:
        return queue.records(sender_id)
    except UnknownCase:
        raise HTTPException(404, "No flagged conversation has this id.") from None


def _safe_next(target: str | None) -> str:
    """A local path to go to after login (never another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _set_cookie(response: Response, name: str, value: str, secure: bool, max_age: int) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, secure=secure, samesite="strict", path="/")
