"""Custom Rasa input channels: how citizens reach the assistant (web chat, REST, SMS, voice)."""
