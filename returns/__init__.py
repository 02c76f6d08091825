"""Returns, refunds and warranty claims (SPEC §6). Not built yet: later issues fill this package."""
