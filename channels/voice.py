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
DEFAULT_LANGUAGE = "en-US"  # credentials.yml `language:`; a call switches to Chinese by itself
CHINESE = "zh-CN"
DEFAULT_QUEUE = "hotline"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Twilio's <Say> voice per language (None: Twilio's default voice for the language).
VOICES = {CHINESE: "Polly.Zhiyu"}
SPEECH_HINTS = {
    DEFAULT_LANGUAGE: "agent, application status, report a problem, opening hours",
    CHINESE: "人工, 申请进度, 报告问题, 办公时间",
}

GREETING = (
    "Welcome to Northbridge City Council's 12345 line. I'm the automated assistant. "
    "Tell me what you need, or press 1 for application status, 2 to report a problem, or 0 for an agent."
)
# Said in Mandarin after the English greeting: "For Chinese, press 9."
CHINESE_OFFER = "中文服务请按9。"
REPROMPT = "Sorry, I didn't catch that. Please tell me what you need, or press 0 for an agent."
OFFER_AGENT = (
    "Sorry, I still couldn't understand you. To speak to a member of staff, press 0 or say agent. "
    "Or tell me once more what you need."
)
GOING_TO_AGENT = "Let me put you through to a member of staff."
HOLD_MESSAGE = "Thank you for waiting. A member of staff will be with you shortly."
QUEUE_FAILED = "Sorry, none of our staff could take your call just now. Please call again later."
GOODBYE = "Thank you for calling Northbridge City Council. Goodbye."
# The channel's own words in Chinese; the assistant's replies come in the caller's language already.
CHINESE_TEXTS = {
    REPROMPT: "抱歉，没有听清。请告诉我您需要什么，或按0转接工作人员。",
    OFFER_AGENT: "抱歉，我还是没听明白。要和工作人员通话，请按0或说“人工”。或者再说一次您需要什么。",
    GOING_TO_AGENT: "正在为您转接工作人员。",
    HOLD_MESSAGE: "感谢您的耐心等待，工作人员很快就会接听。",
    QUEUE_FAILED: "抱歉，现在没有工作人员能接听您的电话，请稍后再打。",
    GOODBYE: "感谢您致电 Northbridge 市政府，再见。",
}

# 9: the caller chose Chinese; the entity sets the conversation's `language` slot, and the
# assistant greets them in Chinese.
MAIN_MENU = {"1": "/check_application_status", "2": "/report_issue", "9": '/greet{"language":"zh"}'}
AGENT_DIGIT = "0"
REQUEST_HUMAN = "/request_human"
# Single words a speech recogniser returns for "I want a person"; longer requests go to the NLU.
AGENT_WORDS = {
    "agent", "operator", "person", "human", "representative", "staff", "someone", "人工", "转人工", "人工服务"
}
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

    def turn(self, turn: int, misses: int, menu: str = "", language: str = "") -> str:
        # The call's language rides in the URL like its turn (Twilio signs it), for the channel's own words.
        query = {"turn": turn, "misses": misses, **({"menu": menu} if menu else {}), **_language_arg(language)}
        return f"{self.base}/webhook?{urlencode(query)}"

    def wait(self, reference: str, language: str = "") -> str:
        return f"{self.base}/wait?{urlencode({'reference': reference, **_language_arg(language)})}"

    def queue_result(self, reference: str, language: str = "") -> str:
        return f"{self.base}/queue-result?{urlencode({'reference': reference, **_language_arg(language)})}"


def _language_arg(language: str) -> Dict[str, str]:
    return {"lang": language} if language == CHINESE else {}


def call_language(request: Request, default: str) -> str:
    """The language the call is in now: Chinese once the caller chose it or the assistant answered in it."""
    return CHINESE if request.args.get("lang") == CHINESE else default


def reply_language(messages: List[Dict[str, Any]], current: str, default: str) -> str:
    """The assistant answers in the caller's language, so its reply says which one to speak and listen in."""
    texts = [str(m.get("text") or "") for m in messages if m.get("text")]
    if not texts:
        return current
    return CHINESE if any(HAN.search(text) for text in texts) else default


def words_in(language: str, english: str) -> str:
    """One of the channel's own sentences in the call's language."""
    return CHINESE_TEXTS.get(english, english) if language == CHINESE else english


def say(verb: Any, text: str, language: str) -> None:
    """<Say> in that language, with a voice that speaks it."""
    voice = VOICES.get(language)
    if voice:
        verb.say(text, language=language, voice=voice)
    else:
        verb.say(text, language=language)


def gather(reply: VoiceResponse, prompt: str, action: str, language: str, then_say: str = "") -> VoiceResponse:
    listen = Gather(
        input="speech dtmf",
        action=action,
        method="POST",
        language=language,
        speech_timeout="auto",
        timeout=6,
        finish_on_key="#",
        action_on_empty_result=True,
        hints=SPEECH_HINTS.get(language, SPEECH_HINTS[DEFAULT_LANGUAGE]),
    )
    say(listen, prompt, language)
    if then_say:
        say(listen, then_say, CHINESE)
    reply.append(listen)
    return reply


def voice_reply(messages: List[Dict[str, Any]], *, urls: VoiceUrls, next_turn: int, language: str) -> VoiceResponse:
    """The assistant's turn as TwiML: spoken, then either the next Gather or the transfer to the queue.

    `language` is the language of the reply (reply_language): it is spoken in it and the next answer
    is listened for in it.
    """
    spoken, _buttons = spoken_reply(messages)
    reply = VoiceResponse()
    handoff = handoff_of(messages)
    if handoff is not None and handoff.get("status") == "queued":
        reference = str(handoff.get("reference") or "")
        reference = reference if REFERENCE.match(reference) else ""
        queue = str(handoff.get("queue") or "")
        queue = queue if QUEUE_NAME.match(queue) else DEFAULT_QUEUE
        say(reply, spoken or words_in(language, GOING_TO_AGENT), language)
        # The reference rides in the queue's URLs, so the call centre's TwiML and agent see the case.
        reply.enqueue(
            queue,
            wait_url=urls.wait(reference, language),
            wait_url_method="POST",
            action=urls.queue_result(reference, language),
            method="POST",
        )
        return reply
    if handoff is not None and handoff.get("status") == "callback":
        # The call centre is closed and a callback was filed: the message says when; nothing more to ask.
        say(reply, spoken, language)
        say(reply, words_in(language, GOODBYE), language)
        reply.hangup()
        return reply
    return gather(reply, spoken or words_in(language, REPROMPT), urls.turn(next_turn, 0, language=language), language)


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
            language = call_language(request, self.language)
            reply = VoiceResponse()
            position = form.get("QueuePosition", "")
            words = words_in(language, HOLD_MESSAGE)
            chinese = language == CHINESE
            if position.isdigit() and int(position) > 1:
                words += f"您排在第{int(position)}位。" if chinese else f" You are number {int(position)} in the queue."
            if REFERENCE.match(reference):
                words += speakable(f"您的参考编号是 {reference}。") if chinese else " " + speakable(
                    f"Your reference is {reference}."
                )
            say(reply, words, language)
            reply.pause(length=20)
            return response.text(str(reply), content_type="application/xml")

        @voice.route("/queue-result", methods=["POST"])
        async def queue_result(request: Request) -> HTTPResponse:
            form = self._signed_call(request)
            if isinstance(form, HTTPResponse):
                return form
            reply = VoiceResponse()
            language = call_language(request, self.language)
            if form.get("QueueResult") not in ("bridged", "hangup", "bridging-in-process"):
                reference = request.args.get("reference", "")
                words = words_in(language, QUEUE_FAILED)
                if REFERENCE.match(reference):
                    words += (
                        speakable(f"请记下您的参考编号 {reference}。")
                        if language == CHINESE
                        else " " + speakable(f"Please quote your reference, {reference}.")
                    )
                say(reply, words, language)
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
        language = call_language(request, self.language)
        if turn == 0:
            return gather(
                VoiceResponse(), GREETING, urls.turn(1, 0, menu="main"), self.language, then_say=CHINESE_OFFER
            )
        conversation_id = voice_conversation_id(form["CallSid"], self.settings.conversation_id_secret)
        text = await self._caller_text(request, form, conversation_id)
        if text is None:
            misses += 1
            if misses <= MAX_MISSES_BEFORE_OFFER:
                menu = request.args.get("menu", "")
                return gather(
                    VoiceResponse(),
                    words_in(language, REPROMPT),
                    urls.turn(turn + 1, misses, menu, language),
                    language,
                )
            if misses == MAX_MISSES_BEFORE_OFFER + 1:
                prompt = words_in(language, OFFER_AGENT)
                return gather(VoiceResponse(), prompt, urls.turn(turn + 1, misses, "", language), language)
            text = REQUEST_HUMAN  # nobody hears or understands anybody: a person takes over
        # For a callback when the call centre is closed. Caller ID can be spoofed, so the
        # application-status form never takes it as a proof (it only trusts `phone` on sms).
        caller = form.get("From") or ""
        metadata = {"phone": caller} if re.fullmatch(r"\+[1-9]\d{6,14}", caller) else {}
        collector = VoiceReplyCollector()
        message = UserMessage(text, collector, conversation_id, input_channel=CHANNEL, metadata=metadata)
        # During a handoff the caller's words go to the agent (the assistant stays silent).
        relay = await take_turn(
            request.app.ctx.agent, self.back_office, message, text,
            lambda: on_new_message(message), lambda: collector.messages,
        )  # fmt: skip
        if relay is Relay.FAILED:
            return gather(VoiceResponse(), RELAY_FAILED_REPLY, urls.turn(turn + 1, 0, "", language), language)
        if relay is Relay.RESUMED:
            return gather(VoiceResponse(), RESUMED_REPLY, urls.turn(turn + 1, 0, "", language), language)
        language = reply_language(collector.messages, language, self.language)
        return voice_reply(collector.messages, urls=urls, next_turn=turn + 1, language=language)

    async def _caller_text(self, request: Request, form: Dict[str, str], conversation_id: str) -> Optional[str]:
        """What the caller said or keyed, as a message for the assistant; None for silence or noise."""
        digits = unicodedata.normalize("NFKC", form.get("Digits") or "").strip().rstrip("#")
        if digits == AGENT_DIGIT:
            return REQUEST_HUMAN
        speech = _speech_text(form)
        if speech is not None and speech.lower().strip(" .!?。！？") in AGENT_WORDS:
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
