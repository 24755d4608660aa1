"""Tests of settings, database and security."""
