"""What the assistant last offered in a conversation, read from the tracker store (shared by every Rasa replica)."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List

from rasa.shared.core.events import BotUttered, UserUttered


def buttons_of_last_reply(events: Iterable[Any]) -> List[Dict[str, Any]]:
    """The buttons of the assistant's messages since the citizen's last message, in the order they were numbered."""
    buttons: List[Dict[str, Any]] = []
    for event in events:
        if isinstance(event, UserUttered):
            buttons = []
        elif isinstance(event, BotUttered):
            buttons.extend(event.data.get("buttons") or [])
    return buttons
