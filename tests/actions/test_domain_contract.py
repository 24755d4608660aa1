"""The action server against the contract and the domain: actions registered, responses and variables used."""

import re
import string

from rasa_sdk.executor import ActionExecutor

CONTRACT_ACTIONS = {
    "action_check_application_status",
    "action_file_service_request",
    "action_check_request_status",
    "action_answer_faq",
    "action_explain_limits",
    "action_request_human",
    "action_file_callback",
    "action_resume_after_handoff",
    "action_session_start",
    "action_submit_satisfaction",
    "action_ask_satisfaction_rating",
    "action_ask_report_wants_updates",
    "validate_callback_form",
    "validate_satisfaction_form",
    "validate_application_status_form",
    "validate_report_issue_form",
    "validate_request_status_form",
}

# Every response the actions send, with the variables they pass (docs/conversation-design.md, "Responses").
SENT_RESPONSES = {
    "utter_application_status": {
        "application_number",
        "application_type",
        "status",
        "last_step",
        "last_step_date",
        "next_step",
    },
    "utter_verification_failed": set(),
    "utter_too_many_attempts": set(),
    "utter_backend_unavailable": set(),
    "utter_invalid_application_number": set(),
    "utter_invalid_identity_proof": set(),
    "utter_invalid_issue_category": set(),
    "utter_invalid_issue_location": set(),
    "utter_invalid_issue_description": set(),
    "utter_ask_which_field": set(),
    "utter_invalid_request_number": set(),
    "utter_request_filed": {"request_number", "department", "target_date"},
    "utter_request_status": {"request_number", "category", "status", "last_step", "last_step_date", "department"},
    "utter_request_not_found": set(),
    "utter_ask_service": set(),
    "utter_faq_answer": {"answer"},
    "utter_out_of_scope": set(),
    "utter_not_understood": set(),
    "utter_capabilities": set(),
    "utter_offer_human": set(),
    "utter_handoff_queued": {"reference", "team_name", "position", "minutes"},
    "utter_centre_closed": {"opens"},
    "utter_callback_filed": {"request_number", "window"},
    "utter_invalid_callback_phone": set(),
    "utter_handed_back": set(),
    "utter_handed_back_with_note": {"note"},
    "utter_anything_else": set(),
    "utter_invalid_satisfaction_rating": set(),
    "utter_thanks_for_rating": set(),
    "utter_ask_satisfaction_rating": set(),
    "utter_ask_request_rating": set(),  # {rated_request}: the slot
    "utter_ask_report_wants_updates_webchat": set(),
    "utter_ask_report_wants_updates_sms": set(),
    "utter_invalid_report_wants_updates": set(),
    "utter_updates_promised": set(),
}


def test_the_action_server_registers_exactly_the_contract_actions():
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == CONTRACT_ACTIONS


def test_domain_declares_the_actions(domain):
    assert CONTRACT_ACTIONS <= set(domain.get("actions", CONTRACT_ACTIONS))


def test_domain_responses_use_only_variables_the_actions_pass_or_slots(domain):
    if "responses" not in domain:
        return  # minimal stand-in domain: nothing to compare
    slots = set(domain["slots"])
    for name, passed in SENT_RESPONSES.items():
        assert name in domain["responses"], f"domain lacks {name}"
        for variation in domain["responses"][name]:
            used = {field for _, field, _, _ in string.Formatter().parse(variation.get("text") or "") if field}
            assert used <= passed | slots, f"{name} uses {used - passed - slots}, which nobody fills"


def test_utter_ask_service_leaves_the_buttons_to_the_action(domain):
    # Rasa appends the action's buttons to the response's own: static ones would show twice.
    for variation in domain.get("responses", {}).get("utter_ask_service", []):
        assert not variation.get("buttons")


def test_which_field_buttons_name_a_field_the_validator_recognises(domain):
    from actions.service_requests import named_fields

    for variation in domain.get("responses", {}).get("utter_ask_which_field", []):
        for button in variation.get("buttons", []):
            payload = button["payload"]
            assert named_fields(re.sub(r"^/\w+", "", payload) if payload.startswith("/") else payload), payload
