"""Trainers' review: citizen messages the assistant was unsure of, their annotations, and their export."""
