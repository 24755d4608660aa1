"""The back-office API of the Northbridge citizen-service hotline."""
