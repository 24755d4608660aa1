"""Talk to the running hotline's SMS or voice channel from a terminal, signed as Twilio signs.

    scripts/twilio_simulator sms +447700900123      # type texts, read the replies
    scripts/twilio_simulator voice +447700900123    # type what you would say; digits (or 'press 1') are keys;
                                                    # an empty line is silence

It reads the same settings as the hotline (scripts/hotline_env): it signs
with TWILIO_AUTH_TOKEN for the URL Twilio would call (HOTLINE_PUBLIC_URL) and
sends to the Rasa server on RASA_PORT. With --outbound-port it also runs the
local Twilio stand-in, so that texts the hotline sends on its own (an agent's
reply) show up here: start the hotline with TWILIO_API_BASE_URL pointing at it.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

from simulator.twilio_client import Caller, TextingCitizen, TwilioWebhookClient, read_sms_reply

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
KEYS = re.compile(r"^(?:press\s+)?([0-9*#]+)$", re.IGNORECASE)


def _prompt(label: str) -> str | None:
    try:
        return input(label)
    except EOFError:
        return None


def run_sms(client: TwilioWebhookClient, phone: str, hotline_number: str) -> None:
    citizen = TextingCitizen(client, phone, hotline_number)
    print(f"Texting the hotline as {phone}. Ctrl-D to stop.")
    while (line := _prompt("you> ")) is not None:
        if not line.strip():
            continue
        response = citizen.send(line)
        if response.status_code != 200:
            print(f"[the hotline answered {response.status_code}: {response.text}]")
            continue
        messages = read_sms_reply(response).messages
        for message in messages:
            print(f"hotline> {message}")
        if not messages:
            print("[no reply]")


def run_voice(client: TwilioWebhookClient, phone: str, hotline_number: str) -> None:
    caller = Caller(client, phone, hotline_number)
    print(
        f"Calling the hotline from {phone}. Type what you say; digits are keys ('press 0'); "
        "an empty line is silence. Ctrl-D hangs up."
    )
    turn = caller.dial()
    while True:
        for sentence in turn.said:
            print(f"hotline says> {sentence}")
        if turn.enqueue is not None:
            print(
                f"[transferred to the call-centre queue '{turn.enqueue['queue']}'; wait URL {turn.enqueue['waitUrl']}]"
            )
            return
        if turn.hangup or turn.gather is None:
            print("[the hotline hung up]")
            return
        line = _prompt("you> ")
        if line is None:
            print("[you hung up]")
            return
        keys = KEYS.match(line.strip())
        if keys:
            turn = caller.press(keys.group(1))
        elif line.strip():
            turn = caller.say(line.strip())
        else:
            turn = caller.stay_silent()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/twilio_simulator", description=__doc__.splitlines()[0])
    parser.add_argument("medium", choices=["sms", "voice"])
    parser.add_argument("phone", help="the citizen's number, E.164 (e.g. +447700900123)")
    parser.add_argument(
        "--hotline-url",
        default=f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}",
        help="where the Rasa server listens (default: 127.0.0.1 on RASA_PORT)",
    )
    parser.add_argument(
        "--outbound-port",
        type=int,
        default=None,
        help="also run the Twilio stand-in on this port and print texts sent to PHONE",
    )
    args = parser.parse_args(argv)
    if not E164.match(args.phone):
        parser.error("the phone number must be in E.164 form, like +447700900123")

    env = os.environ
    client = TwilioWebhookClient(
        send_url=args.hotline_url,
        public_url=env.get("HOTLINE_PUBLIC_URL") or args.hotline_url,
        auth_token=env.get("TWILIO_AUTH_TOKEN", "northbridge-demo-twilio-auth-token"),
        account_sid=env.get("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000"),
    )
    hotline_number = env.get("TWILIO_SMS_FROM") or "+447700900000"
    standin = None
    if args.outbound_port is not None:
        from tests.twilio_standin import TwilioStandIn

        def show(message: dict) -> None:
            if message["to"] == args.phone:
                print(f"\n[text from the hotline] {message['body']}\nyou> ", end="", flush=True)

        standin = TwilioStandIn(
            client.account_sid,
            env.get("TWILIO_AUTH_TOKEN", "northbridge-demo-twilio-auth-token"),
            port=args.outbound_port,
            on_message=show,
        ).start()
        print(f"Twilio stand-in for outbound texts on {standin.url}")
    try:
        (run_sms if args.medium == "sms" else run_voice)(client, args.phone, hotline_number)
    except KeyboardInterrupt:
        print()
    finally:
        client.close()
        if standin is not None:
            standin.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
