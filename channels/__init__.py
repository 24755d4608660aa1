"""Custom Rasa input channels: how citizens reach the assistant (web chat now; SMS and voice later)."""
