"""The agent console: the web app staff use, and its session-authenticated JSON API."""
