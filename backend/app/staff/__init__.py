"""Staff of the contact centre: teams, accounts, roles, sessions and the audit log."""
