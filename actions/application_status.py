"""Checking an application's status after the citizen proves who they are (application_status_form)."""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backend_client import BackendClient, BackendError, BackendThrottled, UsesBackend
from actions.caller import caller_phone, conversation_language
from actions.citizen_text import as_text
from actions.identifiers import (
    SMS_PHONE_PROOF,
    normalise_application_number,
    parse_identity_proof,
    split_identity_proof,
)
from actions.knowledge_base import KnowledgeBase, default_knowledge_base
from actions.translations import APPLICATION_NEXT_STEP_ZH, APPLICATION_STATUS_ZH, format_date_for, in_language

logger = logging.getLogger(__name__)

SMS_CHANNEL = "sms"
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def verified_sms_phone(tracker: Tracker) -> Optional[str]:
    """The number the latest message was texted from, as Twilio's signed webhook gave it; None on other channels.

    The SMS channel (channels/sms.py) puts it in the message metadata only after
    checking Twilio's signature; text the citizen typed can never get there, and
    caller ID on voice (spoofable) is never taken as a proof.
    """
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if event.get("input_channel") != SMS_CHANNEL:
                return None
            phone = (event.get("metadata") or {}).get("phone")
            return phone if isinstance(phone, str) and _E164.match(phone) else None
    return None


class ValidateApplicationStatusForm(UsesBackend, FormValidationAction):
    def __init__(self, backend: Optional[BackendClient] = None) -> None:
        UsesBackend.__init__(self, backend)

    def name(self) -> Text:
        return "validate_application_status_form"

    async def validate_application_number(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        # Only the format is checked: saying "no such number" here would let a guesser enumerate numbers.
        number = normalise_application_number(as_text(slot_value))
        if number is None:
            dispatcher.utter_message(response="utter_invalid_application_number")
            return {"application_number": None}
        if await self._texted_from_applicants_phone(number, tracker):
            # The carrier-verified sender matches the applicant: that is the proof, no question needed.
            return {"application_number": number, "identity_proof": SMS_PHONE_PROOF}
        # Not a match, or not SMS: the date of birth or PIN is asked for, exactly as for any number,
        # so a non-matching phone tells nothing about whether the number exists.
        return {"application_number": number}

    async def _texted_from_applicants_phone(self, number: str, tracker: Tracker) -> bool:
        phone = verified_sms_phone(tracker)
        if phone is None:
            return False
        try:
            found = await self.backend.lookup_application(
                number, phone=phone, conversation_id=tracker.sender_id[:128], caller_phone=phone
            )
            return found is not None
        except BackendError:
            return False  # the usual question follows; the check itself then reports the outage

    def validate_identity_proof(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        proof = parse_identity_proof(as_text(slot_value))
        if proof is None:
            dispatcher.utter_message(response="utter_invalid_identity_proof")
        return {"identity_proof": proof}


class ActionCheckApplicationStatus(UsesBackend, Action):
    def __init__(self, backend: Optional[BackendClient] = None, knowledge_base: Optional[KnowledgeBase] = None) -> None:
        UsesBackend.__init__(self, backend)
        # For the Chinese names of the services applied for.
        self.knowledge_base = knowledge_base or default_knowledge_base()

    def name(self) -> Text:
        return "action_check_application_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        # Whatever happens, the proof (and the number it unlocks) must not outlive this check.
        events: List[EventType] = [SlotSet("identity_proof", None), SlotSet("application_number", None)]
        number = normalise_application_number(as_text(tracker.get_slot("application_number")))
        proof = split_identity_proof(tracker.get_slot("identity_proof"))
        if number is None or proof is None:
            logger.info("application status: incomplete details, not asking the backend")
            dispatcher.utter_message(response="utter_verification_failed")
            return events
        kind, value = proof
        if kind == "phone":
            phone = verified_sms_phone(tracker)
            if phone is None:
                logger.info("application status: phone proof without a signed SMS sender")
                dispatcher.utter_message(response="utter_verification_failed")
                return events
            value = phone
        try:
            status = await self.backend.lookup_application(
                number, conversation_id=tracker.sender_id[:128], caller_phone=caller_phone(tracker), **{kind: value}
            )
        except BackendThrottled:
            logger.info("application status: too many failed checks")
            dispatcher.utter_message(response="utter_too_many_attempts")
            return events
        except BackendError:
            dispatcher.utter_message(response="utter_backend_unavailable")
            return events
        if status is None:
            # Same answer for an unknown number and a wrong proof: the backend does not tell them apart either.
            logger.info("application status: not verified")
            dispatcher.utter_message(response="utter_verification_failed")
            return events
        logger.info("application status: verified by %s", kind)
        language = conversation_language(tracker)
        service = self.knowledge_base.find_service(status.application_type)
        dispatcher.utter_message(
            response="utter_application_status",
            application_number=status.application_number,
            application_type=in_language(
                language, status.application_type_name, service.in_language("zh").name if service else None
            ),
            status=in_language(language, status.status_text, APPLICATION_STATUS_ZH.get(status.status)),
            last_step=status.last_step,
            last_step_date=format_date_for(language, status.last_step_at),
            next_step=in_language(language, status.next_step, APPLICATION_NEXT_STEP_ZH.get(status.status)),
        )
        return events
