"""A real localstripe emulator on a free loopback port, for the whole test session."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

SECRET_KEY = "sk_test_dari_tests"
WEBHOOK_SECRET = "whsec_dari_tests"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe():
    """Base URL of a running localstripe (started from the venv, killed at the end)."""
    executable = shutil.which("localstripe", path=str(Path(sys.executable).parent)) or shutil.which("localstripe")
    if executable is None:
        pytest.fail("localstripe is not installed (it is in the test extras)")
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="localstripe-")
    log = open(Path(workdir) / "log", "wb")
    process = subprocess.Popen([executable, "--port", str(port), "--from-scratch"], cwd=workdir,
                               stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "TMPDIR": workdir})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"{base}/v1/balance", timeout=1)
            break
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"localstripe did not start: {(Path(workdir) / 'log').read_text()[-2000:]}")
            time.sleep(0.1)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    shutil.rmtree(workdir, ignore_errors=True)


def register_webhook(base: str, url: str, secret: str = WEBHOOK_SECRET, hook_id: str = "dari") -> None:
    response = requests.post(f"{base}/_config/webhooks/{hook_id}", json={"url": url, "secret": secret}, timeout=5)
    response.raise_for_status()


def confirm_intent(base: str, intent_id: str, payment_method: str = "pm_card_visa") -> dict:
    """What the browser does with the client_secret: attach a card and confirm."""
    auth = (SECRET_KEY, "")
    requests.post(f"{base}/v1/payment_intents/{intent_id}", data={"payment_method": payment_method},
                  auth=auth, timeout=10).raise_for_status()
    response = requests.post(f"{base}/v1/payment_intents/{intent_id}/confirm", auth=auth, timeout=10)
    return response.json()


# The card localstripe accepts and then declines when charged (4000 0000 0000 0341).
DECLINING_CARD = "pm_card_chargeCustomerFail"


def retry_intent(base: str, intent_id: str, payment_method: str = "pm_card_visa") -> dict:
    """What the browser does after a decline: the same intent confirmed again with another card.

    Stripe puts a declined intent back to ``requires_confirmation`` once another card is
    attached; localstripe keeps the failed charge as ``latest_charge`` (so the intent stays
    ``requires_payment_method`` and a confirm is refused). Clearing it with the new card
    (localstripe takes a ``null`` only in a JSON body) does what Stripe does.
    """
    auth = (SECRET_KEY, "")
    requests.post(f"{base}/v1/payment_intents/{intent_id}",
                  json={"payment_method": payment_method, "latest_charge": None},
                  auth=auth, timeout=10).raise_for_status()
    response = requests.post(f"{base}/v1/payment_intents/{intent_id}/confirm", auth=auth, timeout=10)
    return response.json()


def stripe_event(base: str, intent_id: str, event_type: str) -> dict:
    """The last event of ``event_type`` localstripe made for the intent (the payload its webhook sends)."""
    auth, found, after = (SECRET_KEY, ""), None, None
    while True:
        params = {"type": event_type, "limit": 100, **({"starting_after": after} if after else {})}
        page = requests.get(f"{base}/v1/events", params=params, auth=auth, timeout=10).json()
        for event in page["data"]:
            if event["data"]["object"].get("id") == intent_id:
                found = event
        if not page["has_more"] or not page["data"]:
            break
        after = page["data"][-1]["id"]
    if found is None:
        raise AssertionError(f"localstripe made no {event_type} for {intent_id}")
    return found
