"""Routers of the console's JSON API, one per concern."""
