"""Returns' settings, from the environment (loaded by ``shop.core.config.load_settings``)."""
from __future__ import annotations

import os
from pathlib import Path


def load(instance_path: Path) -> dict:
    # The carrier that makes prepaid return labels (``returns.cases.labels``).
    return {"RETURN_LABEL_CARRIER": os.environ.get("RETURN_LABEL_CARRIER") or "korea_post"}
