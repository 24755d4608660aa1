"""Answering opening hours, documents, fees and what a service is, from the knowledge base (action_answer_faq).

The answer is in the conversation's language (the knowledge base holds English and Chinese).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.caller import conversation_language
from actions.knowledge_base import KnowledgeBase, Service, default_knowledge_base

logger = logging.getLogger(__name__)

FAQ_INTENTS = ("ask_opening_hours", "ask_required_documents", "ask_fees", "ask_service_info")
# Opening hours without a service means the citizen service centre; documents and fees need a service.
DEFAULT_SERVICE_FOR = {"ask_opening_hours": "service_centre"}


def compose_answer(intent: str, service: Service, language: str = "en") -> str:
    if language == "zh":
        return _compose_chinese(intent, service.in_language("zh"))
    title = service.name[:1].upper() + service.name[1:]
    if intent == "ask_service_info":
        return f"{title}: {service.summary} Where: {service.where}. Opening hours: {service.opening_hours}."
    if intent == "ask_opening_hours":
        place = service.where if service.where.lower().startswith(service.name.lower()) else f"{title}: {service.where}"
        return f"{place}. Opening hours: {service.opening_hours}."
    if intent == "ask_required_documents":
        return f"{title} - what you need: " + "; ".join(service.documents) + "."
    return f"{title} - fees: " + "; ".join(service.fees) + "."


def _compose_chinese(intent: str, service: Service) -> str:
    if intent == "ask_service_info":
        return f"{service.name}：{service.summary}地址：{service.where}。办公时间：{service.opening_hours}。"
    if intent == "ask_opening_hours":
        return f"{service.name}：{service.where}。办公时间：{service.opening_hours}。"
    if intent == "ask_required_documents":
        return f"{service.name}所需材料：" + "；".join(service.documents) + "。"
    return f"{service.name}收费：" + "；".join(service.fees) + "。"


def faq_intent_of(tracker: Tracker) -> Optional[str]:
    """The question being answered: this message's intent, or the last FAQ question (after a bare `inform`)."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if intent in FAQ_INTENTS:
        return intent
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            earlier = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if earlier in FAQ_INTENTS:
                return earlier
    return None


class ActionAnswerFaq(Action):
    def __init__(self, knowledge_base: Optional[KnowledgeBase] = None) -> None:
        # Loaded when the action server registers the action, so a broken knowledge base stops it at start.
        self.knowledge_base = knowledge_base or default_knowledge_base()

    def name(self) -> Text:
        return "action_answer_faq"

    def _service_asked_about(self, tracker: Tracker) -> Optional[Service]:
        # This message's entity first: the slot may still hold the service of an earlier question.
        for entity in tracker.latest_message.get("entities") or []:
            if entity.get("entity") == "service":
                service = self.knowledge_base.find_service(entity.get("value"))
                if service:
                    return service
        # Words the NLU has no entity for ("I lost my job", "我失业了") may still name one service.
        return self.knowledge_base.find_service(tracker.latest_message.get("text")) or self.knowledge_base.find_service(
            tracker.get_slot("service")
        )

    def _service_buttons(self, intent: str, language: str) -> List[Dict[str, Any]]:
        codes = [
            code for code in self.knowledge_base.services if code != "service_centre" or intent in DEFAULT_SERVICE_FOR
        ]
        names = {code: self.knowledge_base.services[code].in_language(language).name for code in codes}
        return [
            {
                "title": names[code][:1].upper() + names[code][1:],
                "payload": f"/{intent}{json.dumps({'service': code}, separators=(',', ':'))}",
            }
            for code in codes
        ]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        intent = faq_intent_of(tracker) or "ask_opening_hours"
        language = conversation_language(tracker)
        service = self._service_asked_about(tracker)
        if service is None and intent in DEFAULT_SERVICE_FOR:
            service = self.knowledge_base.services[DEFAULT_SERVICE_FOR[intent]]
        if service is None:
            dispatcher.utter_message(response="utter_ask_service", buttons=self._service_buttons(intent, language))
            return []
        logger.info("faq: %s for %s", intent, service.code)
        dispatcher.utter_message(response="utter_faq_answer", answer=compose_answer(intent, service, language))
        return []
