"""``GET /``: what answers here and where to go next, for a newcomer or a probe.

A plain Flask blueprint like ``/healthz``, outside the OpenAPI document, which describes
the API under ``/api/v1`` only.
"""
from __future__ import annotations

import configparser
from functools import cache
from importlib import metadata
from pathlib import Path

from flask import Blueprint, jsonify, url_for

bp = Blueprint("index", __name__)

DISTRIBUTION = "dari"


@cache
def package_metadata() -> tuple[str, str]:
    """The distribution's name and version: installed metadata, else the checkout's setup.cfg."""
    try:
        found = metadata.metadata(DISTRIBUTION)
        return found["Name"], found["Version"]
    except metadata.PackageNotFoundError:
        # The app usually runs from the checkout, not installed (.ci/setup installs only its dependencies).
        cfg = configparser.ConfigParser()
        cfg.read(Path(__file__).resolve().parents[2] / "setup.cfg")
        return cfg.get("metadata", "name", fallback=DISTRIBUTION), cfg.get("metadata", "version", fallback="0")


@bp.route("/")
def index():
    """Name, version and links to the API documentation and the health check."""
    name, version = package_metadata()
    return jsonify({
        "name": name,
        "version": version,
        "links": {
            "docs": url_for("api-docs.openapi_swagger_ui"),
            "openapi": url_for("api-docs.openapi_json"),
            "health": url_for("health.healthz"),
        },
    })
