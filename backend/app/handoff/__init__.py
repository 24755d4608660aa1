"""Conversations handed from the assistant to human agents: queue, routing, messages, delivery."""
