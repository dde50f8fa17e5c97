"""`python -m assistant.rasa_server [rasa run options]`: Rasa's server with the bounded action endpoint.

The same options and the same server as `rasa run` (Rasa's own argument
parser and `serve_application`), with one difference: the action endpoint from
endpoints.yml is wrapped in BoundedActionEndpoint (assistant/action_endpoint.py),
so a hung or dead action server holds a conversation for at most
ACTION_TIMEOUT_S seconds (default 2) instead of Rasa's fixed 300.
"""

from __future__ import annotations

import os
import sys
from typing import Sequence

from assistant.action_endpoint import DEFAULT_ACTION_TIMEOUT_S, BoundedActionEndpoint


def main(argv: Sequence[str] | None = None) -> None:
    from rasa.__main__ import create_argument_parser
    from rasa.cli.run import _validate_model_path
    from rasa.core.run import serve_application
    from rasa.core.utils import AvailableEndpoints
    from rasa.shared.constants import DEFAULT_MODELS_PATH
    from rasa.shared.utils.common import minimal_kwargs
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.tensorflow import environment as tf_environment

    args = create_argument_parser().parse_args(["run", *(sys.argv[1:] if argv is None else argv)])
    configure_logging_and_warnings(args.loglevel, args.logging_config_file, warn_only_once=True)
    tf_environment.setup_tf_environment()
    timeout_s = float(os.environ.get("ACTION_TIMEOUT_S", DEFAULT_ACTION_TIMEOUT_S))

    endpoints = AvailableEndpoints.read_endpoints(args.endpoints)
    if endpoints.action is not None:
        endpoints.action = BoundedActionEndpoint.wrapping(endpoints.action, timeout_s)
    model = _validate_model_path(args.model, "model", DEFAULT_MODELS_PATH)
    options = {k: v for k, v in vars(args).items() if k not in ("model", "endpoints", "credentials")}
    serve_application(
        model_path=model,
        endpoints=endpoints,
        credentials=args.credentials,
        **minimal_kwargs(options, serve_application),
    )


if __name__ == "__main__":
    main()
