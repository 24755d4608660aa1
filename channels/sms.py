"""The SMS channel: Twilio's inbound-message webhook in, TwiML replies out, and outbound texts for agents' replies.

`POST /webhooks/sms/webhook` takes Twilio's signed form. Each MessageSid makes
at most one assistant turn; STOP/START/HELP are answered here without the
assistant; everything else is one turn whose messages come back as TwiML.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.twiml.messaging_response import MessagingResponse

from channels.back_office import BackOfficeClient, BackOfficeUnavailable
from channels.citizen_text import RejectedText, clean_citizen_text
from channels.conversation_ids import sms_conversation_id
from channels.handoff_relay import Relay, take_turn
from channels.last_reply import buttons_of_last_reply
from channels.rest import RELAY_FAILED_REPLY, RESUMED_REPLY
from channels.sms_segments import prefer_gsm7, split_for_sms
from channels.sms_text import (
    HELP_REPLY,
    OPTED_IN_REPLY,
    OPTED_OUT_REPLY,
    UNREADABLE_REPLY,
    chosen_button,
    keyword_of,
    sms_keyword,
    sms_text,
)
from channels.twilio_rest import TwilioMessages
from channels.twilio_settings import TwilioChannelSettings
from channels.twilio_webhooks import error, signed_form
from channels.webhook_store import WebhookStore, webhook_store_from_settings

logger = logging.getLogger(__name__)

CHANNEL = "sms"
MESSAGE_SID = re.compile(r"^(SM|MM)[0-9a-fA-F]{32}$")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
# Twilio retries within minutes; a week also turns away a captured request replayed later.
CLAIM_SECONDS = 7 * 24 * 3600
# How long the channel remembers which number a conversation texts back to (agent replies).
ADDRESS_BOOK_SECONDS = 30 * 24 * 3600
MAX_SMS_BODY_CHARS = 1600


def twiml(reply: MessagingResponse) -> HTTPResponse:
    return response.text(str(reply), content_type="application/xml")


def reply_with(text: str) -> MessagingResponse:
    reply = MessagingResponse()
    for part in split_for_sms(prefer_gsm7(text)):
        reply.message(part)
    return reply


class SmsReplyCollector(CollectingOutputChannel):
    """Collects a turn's messages under the channel's name, so that `channel: sms` response variants apply."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL


class OutboundSmsRefused(Exception):
    """An outbound text was not sent; the message says why, without personal data."""


class SmsOutput(OutputChannel):
    """Texts sent outside a webhook turn (an agent's reply through Rasa's API), through Twilio's REST API."""

    def __init__(self, store: WebhookStore, back_office: BackOfficeClient, messages: TwilioMessages) -> None:
        self.store = store
        self.back_office = back_office
        self.messages = messages

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    async def _send(self, recipient_id: Text, text: str) -> None:
        phone = await self.store.get(f"phone:{recipient_id}")
        if phone is None:
            raise OutboundSmsRefused("no phone number is known for this conversation")
        try:
            opted_out = await self.back_office.sms_opted_out(phone)
        except BackOfficeUnavailable:
            # Without the consent record we cannot know the citizen still wants texts.
            raise OutboundSmsRefused("the SMS consent record could not be checked") from None
        if opted_out:
            raise OutboundSmsRefused("the citizen has opted out of text messages")
        for part in split_for_sms(prefer_gsm7(text)):
            sid = await self.messages.send(phone, part)
            logger.info("outbound sms %s sent for conversation %s", sid, recipient_id)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._send(recipient_id, sms_text([{"text": text}]))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: list, **kwargs: Any) -> None:
        await self._send(recipient_id, sms_text([{"text": text, "buttons": buttons}]))

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self._send(recipient_id, image)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        # The handoff packet is for channels that act on it (voice); its text was sent on its own.
        logger.info("sms: custom message not sent as text (keys: %s)", ", ".join(sorted(json_message)))


class SmsInput(InputChannel):
    """Twilio Programmable Messaging webhook for citizens who text the hotline's number."""

    def __init__(self, settings: Optional[TwilioChannelSettings] = None) -> None:
        self.settings = settings or TwilioChannelSettings.from_environment()
        self.store = webhook_store_from_settings(self.settings)
        self.back_office = BackOfficeClient.from_settings(self.settings)
        self.outbound = TwilioMessages(self.settings)

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SmsInput":
        # Secrets come from the environment, never from credentials.yml.
        return cls()

    def get_output_channel(self) -> OutputChannel:
        return SmsOutput(self.store, self.back_office, self.outbound)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sms = Blueprint("hotline_sms", __name__)

        @sms.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sms.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            form = signed_form(request, auth_token=self.settings.auth_token, configured_base=self.settings.public_url)
            if isinstance(form, HTTPResponse):
                return form
            if not form.get("AccountSid"):
                return error(400, "AccountSid is missing.")
            if form.get("AccountSid") != self.settings.account_sid:
                return error(403, "The request is for another Twilio account.")
            message_sid = form.get("MessageSid") or ""
            phone = form.get("From") or ""
            body = form.get("Body")
            if not MESSAGE_SID.match(message_sid):
                return error(400, "MessageSid is missing or malformed.")
            if not E164.match(phone):
                # Short codes and alphanumeric senders cannot be answered or identified.
                return error(400, "From must be a phone number in E.164 form.")
            if body is None:
                return error(400, "Body is missing.")
            if len(body) > 2 * MAX_SMS_BODY_CHARS:
                return error(413, "Body is longer than any text message.")

            if not await self.store.claim(f"sms:{message_sid}", CLAIM_SECONDS):
                logger.info("sms %s is a repeat; no second turn", message_sid)
                return twiml(MessagingResponse())
            try:
                reply = await self.take_turn(request, phone, body, on_new_message)
            except Exception:
                # Given back, so that a retry of this message gets its turn.
                await self.store.release(f"sms:{message_sid}")
                logger.exception("sms turn for %s failed", message_sid)
                return error(503, "The assistant could not answer just now.")
            return twiml(reply)

        return sms

    async def take_turn(
        self, request: Request, phone: str, body: str, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> MessagingResponse:
        """One inbound text, start to finish: keywords, consent, the assistant's turn, the reply."""
        keyword = sms_keyword(body)
        if keyword == "stop":
            await self.back_office.record_sms_consent(phone, opted_out=True, keyword=keyword_of(body))
            return reply_with(OPTED_OUT_REPLY)
        if keyword == "start":
            await self.back_office.record_sms_consent(phone, opted_out=False, keyword=keyword_of(body))
            return reply_with(OPTED_IN_REPLY)
        if keyword == "help":
            return reply_with(HELP_REPLY)
        try:
            opted_out = await self.back_office.sms_opted_out(phone)
        except BackOfficeUnavailable:
            # The citizen has just written: answer rather than leave them in silence while the back
            # office is away (Twilio itself blocks any text to a number that sent it STOP).
            logger.warning("sms: consent record not checked (back office unavailable); answering the text")
            opted_out = False
        if opted_out:
            # They asked for no more texts: nothing but the STOP confirmation, until START.
            return MessagingResponse()
        try:
            text = clean_citizen_text(body, max_chars=MAX_SMS_BODY_CHARS)
        except RejectedText:
            return reply_with(UNREADABLE_REPLY)

        conversation_id = sms_conversation_id(phone, self.settings.conversation_id_secret)
        await self.store.put(f"phone:{conversation_id}", phone, ADDRESS_BOOK_SECONDS)
        # The phone travels in the metadata of this signed request only; the
        # application-status form may take it as a proof (docs/conversation-design.md).
        metadata: Dict[str, Any] = {"phone": phone}
        button = await self._chosen_button(request, conversation_id, text)
        if button is not None:
            metadata["display_text"] = button.get("title", "")
            text = button.get("payload") or text
        collector = SmsReplyCollector()
        message = UserMessage(text, collector, conversation_id, input_channel=CHANNEL, metadata=metadata)
        # During a handoff the message goes to the agent (the assistant stays silent).
        relay = await take_turn(
            request.app.ctx.agent,
            self.back_office,
            message,
            metadata.get("display_text") or text,
            lambda: on_new_message(message),
            lambda: collector.messages,
        )
        if relay is Relay.FAILED:
            return reply_with(RELAY_FAILED_REPLY)
        if relay is Relay.RESUMED:
            return reply_with(RESUMED_REPLY)
        return reply_with(sms_text(collector.messages))

    async def _chosen_button(self, request: Request, conversation_id: str, text: str) -> Optional[Dict[str, Any]]:
        if not re.fullmatch(r"\s*\S{1,3}\s*", text):
            return None
        # Read from the tracker store, not kept here, so that every Rasa replica sees the same choices.
        tracker = await request.app.ctx.agent.tracker_store.retrieve(conversation_id)
        if tracker is None:
            return None
        return chosen_button(text, buttons_of_last_reply(tracker.events))
