"""Telling citizens about their requests and applications on the channel they used (SMS, web chat)."""
