"""The action server's answers checked against Rasa's schema with a validator built once, not on every call.

Rasa 3.6 checks each response of the action server with `jsonschema.validate`,
which first validates the (constant) schema itself against the JSON Schema
meta-schema, on every call: about 1 ms of checking the answer and tens of
milliseconds of checking the schema, several times per turn (forms validate
each answer through the action server). jsonschema's documentation says to
build the validator once when the schema is known to be valid; this does that
for Rasa's own schema. Same schema, same ValidationError and message on a bad
response. The Rasa server installs it with its health channel (channels/health.py).
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_validator: Optional[Any] = None


def _response_validator() -> Any:
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        validator_class = validator_for(schema)
        validator_class.check_schema(schema)  # once, as jsonschema.validate does on every call
        _validator = validator_class(schema)
    return _validator


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    """RemoteAction._validate_action_result with the validator built once."""
    try:
        _response_validator().validate(result)
        return True
    except ValidationError as error:
        # Rasa's own wording, so logs read the same.
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
