"""Acting as Twilio from a terminal: try the SMS and voice channels without a Twilio account."""
