"""`python -m assistant.rasa_server [rasa run options]`: Rasa's server with the bounded action endpoint.

The same options and the same server as `rasa run` (Rasa's own argument
parser and `serve_application`), with one difference: the action endpoint from
endpoints.yml is wrapped in BoundedActionEndpoint (assistant/action_endpoint.py),
so a hung or dead action server holds a conversation for at most
ACTION_TIMEOUT_S seconds (default 2) instead of Rasa's fixed 300; a tracker store error
fails the request visibly instead of Rasa's silent fallback to memory (StrictTrackerStore,
assistant/tracker_store.py); Rasa's HTTP API is on
whenever a token is set (assistant/api_token.py: RASA_AUTH_TOKEN or its file, never an
argument `ps` would show), for the staff console to write into conversations; and the model
parses one message before the server takes requests, so the first user does not
wait for TensorFlow to build its graphs (about 9 s on 2 cores, which the REST
reply deadline would turn into an error). The API's routes that load, train or test a
model are refused (403) even with the token: a model file is code (Rasa 3.6 loads some
classifiers with skops 0.9.0, CVE-2025-54412/54413), and this assistant only runs the
model it was started with. Rasa's structured log is configured at the server's log level, as
`rasa run` does, so user messages are not written to the log at the default level. The
action server's replies are checked against Rasa's schema with a validator built once
(assistant/action_response.py), not rebuilt for every reply. Every channel's messages go
through the emergency-first gate (assistant/emergency_first.py): a message the safety rules
flag starts at once, the others take turns (EMERGENCY_FIRST_LIMIT at a time, 1 by default).
TensorFlow runs each operation on one thread unless TF_INTRA_OP_PARALLELISM_THREADS says
otherwise (`tensorflow_threads`).
"""

from __future__ import annotations

import os
import sys
from typing import Any, Awaitable, Callable, MutableMapping, Sequence

from assistant.action_endpoint import DEFAULT_ACTION_TIMEOUT_S, BoundedActionEndpoint
from assistant.action_response import install_cached_action_result_validator
from assistant.api_token import api_token
from assistant.emergency_first import DEFAULT_LIMIT, EmergencyFirstGate
from assistant.tracker_store import StrictTrackerStore

WARM_UP_TEXT = "hello"
# A message's TensorFlow operations are small (one sentence through the encoder and DIET): split
# over two threads they cost more in hand-over than they gain. On 2 cores, one thread per operation
# gave a median of 50-54 ms a message against 62-65 ms with TensorFlow's default of one per core,
# and 18.5-19.5 against 16.1-18.4 requests/s with 20 senders (README, "Against stock Rasa").
INTRA_OP_THREADS_VARIABLE = "TF_INTRA_OP_PARALLELISM_THREADS"
DEFAULT_INTRA_OP_THREADS = "1"
# (method, path) of the API routes that replace, unload, train or test a model.
MODEL_CHANGING_ROUTES = frozenset(
    {
        ("PUT", "/model"),
        ("DELETE", "/model"),
        ("POST", "/model/train"),
        ("POST", "/model/test/stories"),
        ("POST", "/model/test/intents"),
    }
)


def refuse_model_changes(app: Any) -> Any:
    """Answer 403 to MODEL_CHANGING_ROUTES before Rasa's handlers (and their token check) run."""
    from sanic import response

    @app.middleware("request")
    async def refuse(request: Any) -> Any:
        if (request.method, request.path.rstrip("/") or "/") in MODEL_CHANGING_ROUTES:
            return response.json(
                {"status": "failure", "reason": "ModelChangesDisabled", "message": "This server runs one fixed model."},
                status=403,
            )
        return None

    return app


def without_model_changes(create_app: Callable[..., Any]) -> Callable[..., Any]:
    def create(*args: Any, **kwargs: Any) -> Any:
        return refuse_model_changes(create_app(*args, **kwargs))

    return create


def warming_up(load: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """Wrap Rasa's `load_agent_on_start` so the loaded agent parses one message before serving."""

    async def load_and_warm_up(*args: Any, **kwargs: Any) -> Any:
        agent = await load(*args, **kwargs)
        if agent is not None and agent.is_ready():
            await agent.parse_message(WARM_UP_TEXT)
        return agent

    return load_and_warm_up


def install_strict_tracker_store() -> None:
    """Make Rasa's Agent wrap its tracker store in StrictTrackerStore.

    Agent wraps the store in the FailSafeTrackerStore its module imported, and Rasa has no
    option to choose the wrapper, so that name is rebound to the one that fails visibly.
    """
    import rasa.core.agent

    rasa.core.agent.FailSafeTrackerStore = StrictTrackerStore


def install_emergency_first_gate(gate: EmergencyFirstGate) -> None:
    """Make Rasa's Agent handle every channel's message through `gate`.

    Each input channel hands its messages to `Agent.handle_message` (the handler Rasa's
    `channels.channel.register` gives them), so wrapping it covers them all.
    """
    import rasa.core.agent

    handle_message = rasa.core.agent.Agent.handle_message

    async def handle_message_in_turn(self: Any, message: Any) -> Any:
        return await gate.run(message.text, lambda: handle_message(self, message))

    rasa.core.agent.Agent.handle_message = handle_message_in_turn


def rules_gate(limit: int) -> EmergencyFirstGate:
    """The gate with the project's safety rules (the file the model is trained with)."""
    import spacy

    from nlu_components.safety.detector import SafetyDetector

    nlp = spacy.blank("en")
    return EmergencyFirstGate.from_rules(nlp, SafetyDetector.from_file(nlp.make_doc), limit)


def tensorflow_threads(environ: MutableMapping[str, str]) -> None:
    """One thread per TensorFlow operation, unless the environment sets a number
    (Rasa's `setup_tf_environment` reads it)."""
    if not environ.get(INTRA_OP_THREADS_VARIABLE, "").strip():
        environ[INTRA_OP_THREADS_VARIABLE] = DEFAULT_INTRA_OP_THREADS


def main(argv: Sequence[str] | None = None) -> None:
    import rasa.core.run
    from rasa.__main__ import create_argument_parser
    from rasa.cli.run import _validate_model_path
    from rasa.core.run import serve_application
    from rasa.core.utils import AvailableEndpoints
    from rasa.shared.constants import DEFAULT_MODELS_PATH
    from rasa.shared.utils.common import minimal_kwargs
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog
    from rasa.utils.tensorflow import environment as tf_environment

    args = create_argument_parser().parse_args(["run", *(sys.argv[1:] if argv is None else argv)])
    configure_logging_and_warnings(
        args.loglevel, args.logging_config_file, warn_only_once=True, filter_repeated_logs=True
    )
    # As `rasa run` does (rasa/__main__.py). Unconfigured, structlog prints every debug event
    # of Rasa's processor and policies, each message's text and slots among them.
    configure_structlog(args.loglevel)
    tensorflow_threads(os.environ)
    tf_environment.setup_tf_environment()
    timeout_s = float(os.environ.get("ACTION_TIMEOUT_S", DEFAULT_ACTION_TIMEOUT_S))
    token = api_token(os.environ)
    if token is not None:
        args.enable_api = True
        args.auth_token = token
    jwt_secret = os.environ.get("RASA_JWT_SECRET", "").strip()
    if jwt_secret:
        args.enable_api = True
        args.jwt_secret = jwt_secret
        args.jwt_method = "HS256"

    endpoints = AvailableEndpoints.read_endpoints(args.endpoints)
    if endpoints.action is not None:
        endpoints.action = BoundedActionEndpoint.wrapping(endpoints.action, timeout_s)
    model = _validate_model_path(args.model, "model", DEFAULT_MODELS_PATH)
    options = {k: v for k, v in vars(args).items() if k not in ("model", "endpoints", "credentials")}
    # serve_application registers the module's load_agent_on_start as its start-up listener.
    rasa.core.run.load_agent_on_start = warming_up(rasa.core.run.load_agent_on_start)
    install_strict_tracker_store()
    install_cached_action_result_validator()
    install_emergency_first_gate(rules_gate(int(os.environ.get("EMERGENCY_FIRST_LIMIT", DEFAULT_LIMIT))))
    rasa.core.run.server.create_app = without_model_changes(rasa.core.run.server.create_app)
    serve_application(
        model_path=model,
        endpoints=endpoints,
        credentials=args.credentials,
        **minimal_kwargs(options, serve_application),
    )


if __name__ == "__main__":
    main()
