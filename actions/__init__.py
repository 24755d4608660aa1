"""Custom actions of the Northbridge citizen-service assistant (rasa-sdk action server)."""
