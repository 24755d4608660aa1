"""Custom Rasa input channels: how citizens reach the assistant, and the Rasa server's safeguards for them."""

from channels import action_server_guard

# Imported by the Rasa server (bot/credentials.yml names these channels) before any turn.
action_server_guard.install()
