"""Custom actions of the Northbridge citizen-service assistant (rasa-sdk action server)."""

from redaction import install_log_redaction

# The action server imports this package before it serves: none of its log lines may carry personal data.
install_log_redaction()
