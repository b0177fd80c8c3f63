"""User-facing strings, one JSON file per language with the same keys."""
