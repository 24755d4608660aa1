"""NLU pipeline components of our own, loaded by the Rasa server from bot/config.yml."""
