"""Tests of the back-office API (backend/)."""
