"""The call-centre voice channel: Twilio voice webhooks in, spoken TwiML out, handoffs into the call-centre queue.

`POST /webhooks/voice/webhook` answers a call with a greeting and a
`<Gather input="speech dtmf">`; every Gather posts back to the same URL with
`turn` and `misses` in its query string. Twilio signs that URL, so the call's
state travels with the call and any Rasa replica can take the next turn.
`/webhooks/voice/wait` and `/webhooks/voice/queue-result` serve the queue.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import urlencode

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.twiml.voice_response import Gather, VoiceResponse

from channels.back_office import BackOfficeClient
from channels.citizen_text import RejectedText, clean_citizen_text
from channels.conversation_ids import voice_conversation_id
from channels.handoff_relay import Relay, take_turn
from channels.last_reply import buttons_of_last_reply
from channels.rest import RELAY_FAILED_REPLY, RESUMED_REPLY
from channels.spoken_text import speakable, spoken_reply
from channels.twilio_settings import TwilioChannelSettings
from channels.twilio_webhooks import error, public_url, signed_form
from channels.webhook_store import WebhookStore, webhook_store_from_settings

logger = logging.getLogger(__name__)

CHANNEL = "voice"
CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")
REFERENCE = re.compile(r"^HO-\d{6}$")
QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DEFAULT_LANGUAGE = "en-US"  # Chinese (zh-CN) speech is a later change: credentials.yml `language:`
DEFAULT_QUEUE = "hotline"

GREETING = (
    "Welcome to Northbridge City Council's 12345 line. I'm the automated assistant. "
    "Tell me what you need, or press 1 for application status, 2 to report a problem, or 0 for an agent."
)
REPROMPT = "Sorry, I didn't catch that. Please tell me what you need, or press 0 for an agent."
OFFER_AGENT = (
    "Sorry, I still couldn't understand you. To speak to a member of staff, press 0 or say agent. "
    "Or tell me once more what you need."
)
GOING_TO_AGENT = "Let me put you through to a member of staff."
HOLD_MESSAGE = "Thank you for waiting. A member of staff will be with you shortly."
QUEUE_FAILED = "Sorry, none of our staff could take your call just now. Please call again later."
GOODBYE = "Thank you for calling Northbridge City Council. Goodbye."

MAIN_MENU = {"1": "/check_application_status", "2": "/report_issue"}
AGENT_DIGIT = "0"
REQUEST_HUMAN = "/request_human"
# Single words a speech recogniser returns for "I want a person"; longer requests go to the NLU.
AGENT_WORDS = {"agent", "operator", "person", "human", "representative", "staff", "someone"}
MAX_MISSES_BEFORE_OFFER = 2  # reprompts; the next miss offers an agent, the one after transfers
MIN_SPEECH_CONFIDENCE = 0.2  # below this, Twilio's transcript is more guess than speech
# A repeated turn waits this long for the first copy's reply (Twilio's own timeout is 15 s).
REPEAT_WAIT_SECONDS = 10.0
TURN_CLAIM_SECONDS = 24 * 3600
# Keypad entries when the assistant asks for a case number: 204817 -> APP-204817.
KEYED_NUMBER_PREFIX = {"application_number": "APP-", "request_number": "SR-"}


class VoiceReplyCollector(CollectingOutputChannel):
    """Collects a turn's messages under the channel's name, so that `channel: voice` response variants apply."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL


def handoff_of(messages: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The handoff packet the assistant sent with its messages (action_request_human), if any."""
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("handoff"), dict):
            return custom["handoff"]
    return None


class VoiceUrls:
    """The absolute URLs Twilio is told to call next, on the base it calls us on."""

    def __init__(self, base: str, prefix: str = "/webhooks/voice") -> None:
        self.base = base.rstrip("/") + prefix

    def turn(self, turn: int, misses: int, menu: str = "") -> str:
        query = {"turn": turn, "misses": misses, **({"menu": menu} if menu else {})}
        return f"{self.base}/webhook?{urlencode(query)}"

    def wait(self, reference: str) -> str:
        return f"{self.base}/wait?{urlencode({'reference': reference})}"

    def queue_result(self, reference: str) -> str:
        return f"{self.base}/queue-result?{urlencode({'reference': reference})}"


def gather(reply: VoiceResponse, prompt: str, action: str, language: str) -> VoiceResponse:
    listen = Gather(
        input="speech dtmf",
        action=action,
        method="POST",
        language=language,
        speech_timeout="auto",
        timeout=6,
        finish_on_key="#",
        action_on_empty_result=True,
        hints="agent, application status, report a problem, opening hours",
    )
    listen.say(prompt, language=language)
    reply.append(listen)
    return reply


def voice_reply(messages: List[Dict[str, Any]], *, urls: VoiceUrls, next_turn: int, language: str) -> VoiceResponse:
    """The assistant's turn as TwiML: spoken, then either the next Gather or the transfer to the queue."""
    spoken, _buttons = spoken_reply(messages)
    reply = VoiceResponse()
    handoff = handoff_of(messages)
    if handoff is not None and handoff.get("status") == "queued":
        reference = str(handoff.get("reference") or "")
        reference = reference if REFERENCE.match(reference) else ""
        queue = str(handoff.get("queue") or "")
        queue = queue if QUEUE_NAME.match(queue) else DEFAULT_QUEUE
        reply.say(spoken or GOING_TO_AGENT, language=language)
        # The reference rides in the queue's URLs, so the call centre's TwiML and agent see the case.
        reply.enqueue(
            queue,
            wait_url=urls.wait(reference),
            wait_url_method="POST",
            action=urls.queue_result(reference),
            method="POST",
        )
        return reply
    if handoff is not None and handoff.get("status") == "callback":
        # The call centre is closed and a callback was filed: the message says when; nothing more to ask.
        reply.say(spoken, language=language)
        reply.say(GOODBYE, language=language)
        reply.hangup()
        return reply
    return gather(reply, spoken or REPROMPT, urls.turn(next_turn, 0), language)


def _speech_text(form: Dict[str, str]) -> Optional[str]:
    speech = (form.get("SpeechResult") or "").strip()
    if not speech:
        return None
    try:
        confidence = float(form["Confidence"]) if form.get("Confidence") else 1.0
    except ValueError:
        confidence = 1.0
    if confidence < MIN_SPEECH_CONFIDENCE:
        return None
    try:
        return clean_citizen_text(speech)
    except RejectedText:
        return None


def _turn_number(value: Optional[str]) -> Optional[int]:
    return int(value) if value is not None and value.isdigit() and len(value) <= 4 else None


class VoiceInput(InputChannel):
    """Twilio Programmable Voice webhook for citizens who call the hotline's number."""

    def __init__(self, settings: Optional[TwilioChannelSettings] = None, language: str = DEFAULT_LANGUAGE) -> None:
        self.settings = settings or TwilioChannelSettings.from_environment()
        self.store: WebhookStore = webhook_store_from_settings(self.settings)
        self.back_office = BackOfficeClient.from_settings(self.settings)
        self.language = language

    @classmethod
    def name(cls) -> Text:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "VoiceInput":
        return cls(language=str((credentials or {}).get("language") or DEFAULT_LANGUAGE))

    def _urls(self, request: Request) -> VoiceUrls:
        webhook_url = public_url(request, self.settings.public_url)
        return VoiceUrls(webhook_url[: webhook_url.index("/webhooks/voice/")])

    def _signed_call(self, request: Request) -> "Dict[str, str] | HTTPResponse":
        form = signed_form(request, auth_token=self.settings.auth_token, configured_base=self.settings.public_url)
        if isinstance(form, HTTPResponse):
            return form
        if not form.get("AccountSid"):
            return error(400, "AccountSid is missing.")
        if form.get("AccountSid") != self.settings.account_sid:
            return error(403, "The request is for another Twilio account.")
        if not CALL_SID.match(form.get("CallSid") or ""):
            return error(400, "CallSid is missing or malformed.")
        return form

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        voice = Blueprint("hotline_voice", __name__)

        @voice.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @voice.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            form = self._signed_call(request)
            if isinstance(form, HTTPResponse):
                return form
            turn_arg = request.args.get("turn")
            turn = 0 if turn_arg is None else _turn_number(turn_arg)
            misses = _turn_number(request.args.get("misses") or "0")
            if turn is None or misses is None:
                return error(400, "turn and misses must be small whole numbers.")
            key = f"voice:{form['CallSid']}:{turn}"
            if not await self.store.claim(key, TURN_CLAIM_SECONDS):
                return await self._repeat_of(key, request)
            try:
                reply = await self.take_turn(request, form, turn, misses, on_new_message)
            except Exception:
                await self.store.release(key)
                logger.exception("voice turn %s failed", turn)
                return error(503, "The assistant could not answer just now.")
            twiml = str(reply)
            await self.store.put(key, twiml, TURN_CLAIM_SECONDS)
            return response.text(twiml, content_type="application/xml")

        @voice.route("/wait", methods=["POST"])
        async def wait(request: Request) -> HTTPResponse:
            form = self._signed_call(request)
            if isinstance(form, HTTPResponse):
                return form
            reference = request.args.get("reference", "")
            reply = VoiceResponse()
            position = form.get("QueuePosition", "")
            words = HOLD_MESSAGE
            if position.isdigit() and int(position) > 1:
                words += f" You are number {int(position)} in the queue."
            if REFERENCE.match(reference):
                words += " " + speakable(f"Your reference is {reference}.")
            reply.say(words, language=self.language)
            reply.pause(length=20)
            return response.text(str(reply), content_type="application/xml")

        @voice.route("/queue-result", methods=["POST"])
        async def queue_result(request: Request) -> HTTPResponse:
            form = self._signed_call(request)
            if isinstance(form, HTTPResponse):
                return form
            reply = VoiceResponse()
            if form.get("QueueResult") not in ("bridged", "hangup", "bridging-in-process"):
                reference = request.args.get("reference", "")
                words = QUEUE_FAILED
                if REFERENCE.match(reference):
                    words += " " + speakable(f"Please quote your reference, {reference}.")
                reply.say(words, language=self.language)
            reply.hangup()
            return response.text(str(reply), content_type="application/xml")

        return voice

    async def _repeat_of(self, key: str, request: Request) -> HTTPResponse:
        """A repeated turn gets the first copy's reply, once it exists: the call needs instructions, not silence."""
        waited = 0.0
        while waited < REPEAT_WAIT_SECONDS:
            stored = await self.store.get(key)
            if stored is not None:
                return response.text(stored, content_type="application/xml")
            await asyncio.sleep(0.2)
            waited += 0.2
        # Still thinking: come back for the same turn (Twilio signs the redirect like any request).
        reply = VoiceResponse()
        reply.pause(length=1)
        reply.redirect(public_url(request, self.settings.public_url), method="POST")
        return response.text(str(reply), content_type="application/xml")

    async def take_turn(
        self,
        request: Request,
        form: Dict[str, str],
        turn: int,
        misses: int,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> VoiceResponse:
        """One webhook of a call, start to finish: the greeting, or the caller's answer and the assistant's reply."""
        urls = self._urls(request)
        if turn == 0:
            return gather(VoiceResponse(), GREETING, urls.turn(1, 0, menu="main"), self.language)
        conversation_id = voice_conversation_id(form["CallSid"], self.settings.conversation_id_secret)
        text = await self._caller_text(request, form, conversation_id)
        if text is None:
            misses += 1
            if misses <= MAX_MISSES_BEFORE_OFFER:
                menu = request.args.get("menu", "")
                return gather(VoiceResponse(), REPROMPT, urls.turn(turn + 1, misses, menu), self.language)
            if misses == MAX_MISSES_BEFORE_OFFER + 1:
                return gather(VoiceResponse(), OFFER_AGENT, urls.turn(turn + 1, misses), self.language)
            text = REQUEST_HUMAN  # nobody hears or understands anybody: a person takes over
        # For a callback when the call centre is closed. Caller ID can be spoofed, so the
        # application-status form never takes it as a proof (it only trusts `phone` on sms).
        caller = form.get("From") or ""
        metadata = {"phone": caller} if re.fullmatch(r"\+[1-9]\d{6,14}", caller) else {}
        collector = VoiceReplyCollector()
        message = UserMessage(text, collector, conversation_id, input_channel=CHANNEL, metadata=metadata)
        # During a handoff the caller's words go to the agent (the assistant stays silent).
        relay = await take_turn(
            request.app.ctx.agent, self.back_office, conversation_id, text,
            lambda: on_new_message(message), lambda: collector.messages,
        )  # fmt: skip
        if relay is Relay.FAILED:
            return gather(VoiceResponse(), RELAY_FAILED_REPLY, urls.turn(turn + 1, 0), self.language)
        if relay is Relay.RESUMED:
            return gather(VoiceResponse(), RESUMED_REPLY, urls.turn(turn + 1, 0), self.language)
        return voice_reply(collector.messages, urls=urls, next_turn=turn + 1, language=self.language)

    async def _caller_text(self, request: Request, form: Dict[str, str], conversation_id: str) -> Optional[str]:
        """What the caller said or keyed, as a message for the assistant; None for silence or noise."""
        digits = unicodedata.normalize("NFKC", form.get("Digits") or "").strip().rstrip("#")
        if digits == AGENT_DIGIT:
            return REQUEST_HUMAN
        speech = _speech_text(form)
        if speech is not None and speech.lower().strip(" .!?") in AGENT_WORDS:
            return REQUEST_HUMAN
        if digits:
            if not digits.isdigit() or len(digits) > 20:
                return None
            if request.args.get("menu") == "main":
                return MAIN_MENU.get(digits)
            return await self._keyed_answer(request, conversation_id, digits)
        return speech

    async def _keyed_answer(self, request: Request, conversation_id: str, digits: str) -> Optional[str]:
        # The last reply's buttons and the slot being asked for are read from the
        # tracker store, not kept here, so that every Rasa replica sees the same.
        tracker = await request.app.ctx.agent.tracker_store.retrieve(conversation_id)
        if tracker is None:
            return digits
        buttons = buttons_of_last_reply(tracker.events)
        if buttons:
            index = int(digits)
            return buttons[index - 1].get("payload") if 1 <= index <= len(buttons) else None
        prefix = KEYED_NUMBER_PREFIX.get(str(tracker.get_slot("requested_slot") or ""))
        return f"{prefix}{digits}" if prefix and len(digits) == 6 else digits
