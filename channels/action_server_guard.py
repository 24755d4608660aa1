"""A citizen is never left in silence when the action server fails or hangs.

Rasa 3.6 waits up to five minutes for a custom action (its fixed
DEFAULT_REQUEST_TIMEOUT) and, when the call fails, drops the action with a log
line: the citizen gets no answer, or the next step of a rule as if the lookup
had worked. The Rasa server installs this when it builds the health channel
(channels/health.py, named in bot/credentials.yml), which:
- bounds every call to the action server by ACTION_TIMEOUT_SECONDS (default
  10; the actions bound their own back-office calls by 3 s);
- turns a failed call into `utter_technical_difficulty`, said to the citizen
  in place of the action's messages.
Form validations are left alone: their rejections are part of Rasa's flow.
"""

from __future__ import annotations

import logging
import os
from typing import Any, List

import rasa.core.actions.action as rasa_actions
import rasa.utils.endpoints as rasa_endpoints
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance

logger = logging.getLogger(__name__)

FALLBACK_RESPONSE = "utter_technical_difficulty"
FALLBACK_TEXT = (
    "Sorry, something went wrong on our side and I couldn't finish that. "
    "Please try again in a few minutes, or ask to speak to a person."
)
_installed = False


def action_timeout_seconds() -> float:
    value = float(os.environ.get("ACTION_TIMEOUT_SECONDS", "10"))
    if not 0 < value <= 300:
        raise ValueError("ACTION_TIMEOUT_SECONDS must be between 0 and 300")
    return value


def install() -> None:
    """Apply the timeout and the fallback to Rasa's RemoteAction (once per process)."""
    global _installed
    if _installed:
        return
    timeout = action_timeout_seconds()
    # Both modules read their own imported copy of the constant at call time.
    rasa_actions.DEFAULT_REQUEST_TIMEOUT = timeout
    rasa_endpoints.DEFAULT_REQUEST_TIMEOUT = timeout
    original_run = RemoteAction.run

    async def run_or_apologise(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List:
        try:
            return await original_run(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise
        except Exception as error:  # noqa: BLE001 - any failure of the call ends in the same apology
            logger.error("custom action %s failed (%s); the citizen is told", self.name(), type(error).__name__)
            message = await nlg.generate(FALLBACK_RESPONSE, tracker, output_channel.name()) or {"text": FALLBACK_TEXT}
            return [create_bot_utterance(message)]

    RemoteAction.run = run_or_apologise  # type: ignore[method-assign]
    _installed = True
