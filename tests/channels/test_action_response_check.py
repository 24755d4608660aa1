"""The action server's responses are checked exactly as Rasa checks them, with the validator built once."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from channels import action_response_check

VALID = {
    "events": [{"event": "slot", "name": "application_number", "value": "APP-204817"}],
    "responses": [{"text": "Your application is being reviewed.", "buttons": []}],
}
INVALID = [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [], "responses": ["not an object"]},
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_check_application_status", EndpointConfig("http://127.0.0.1:1/webhook"))


def rasas_check(action: RemoteAction, result: dict) -> None:
    RemoteAction._validate_action_result(action, result)


def test_a_valid_response_passes_both(action: RemoteAction) -> None:
    rasas_check(action, VALID)
    assert action_response_check.validate_action_result(action, VALID) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_response_fails_with_rasas_error(action: RemoteAction, result: dict) -> None:
    with pytest.raises(ValidationError) as rasas:
        rasas_check(action, result)
    with pytest.raises(ValidationError) as ours:
        action_response_check.validate_action_result(action, result)
    assert ours.value.message == rasas.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_installed_on_remote_actions(action: RemoteAction, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    action_response_check.install()
    assert RemoteAction._validate_action_result is action_response_check.validate_action_result
    with pytest.raises(ValidationError):
        action._validate_action_result(INVALID[0])
