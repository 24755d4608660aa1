"""Protection against guessing and abuse that cuts across the back office's resources."""
