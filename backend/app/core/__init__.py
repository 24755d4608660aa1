"""Settings, database and security: what every other module builds on."""
