"""Demo data for a newcomer's first run and for training. Every person and fact is invented."""
