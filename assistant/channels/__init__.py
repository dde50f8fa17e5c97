"""The channels the assistant listens on, registered in credentials.yml by these class paths.

- `ValidatedRestInput` (rest.py): the REST webhook for integrations.
- `WidgetSocketInput` (widget.py): the web widget's live socket.io connection and its history.
- `VerifiedTelegramInput`, `VerifiedSlackInput`, `VerifiedMessengerInput`: the messaging
  platforms, each checking the platform's signature or secret before anything else.
"""

from assistant.channels.messenger import VerifiedMessengerInput
from assistant.channels.rest import ValidatedRestInput
from assistant.channels.slack import VerifiedSlackInput
from assistant.channels.telegram import VerifiedTelegramInput
from assistant.channels.widget import WidgetSocketInput

__all__ = [
    "ValidatedRestInput",
    "VerifiedMessengerInput",
    "VerifiedSlackInput",
    "VerifiedTelegramInput",
    "WidgetSocketInput",
]
