"""Cart, quote and checkout (SPEC §4)."""
