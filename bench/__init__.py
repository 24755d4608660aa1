"""Benchmarks: figures printed by commands, run by hand, never part of scripts/test."""
