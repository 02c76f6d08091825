"""AfterShip tracking webhook: signature, payload checks, tag mapping, times, stable ids."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from fulfillment.carriers import aftership
from fulfillment.carriers.aftership import AfterShipWebhook, event_for
from fulfillment.carriers.base import TRACKING_EVENTS, BadSignature, InvalidPayload

from .aftership_fixtures import SECRET, TRACKING_NUMBER, checkpoint, request, sample_payload, sign


def parse(payload, secret=SECRET):
    headers, body = request(payload, secret)
    return AfterShipWebhook().parse(headers, body, secret)


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_signed_payload_becomes_our_events_in_utc():
    updates = parse(sample_payload())

    assert [(u.type, u.occurred_at) for u in updates] == [
        ("label_created", utc(2026, 11, 30, 0, 12)),       # 09:12 KST
        ("picked_up", utc(2026, 11, 30, 7, 40)),           # InTransit_002, 16:40 KST
        ("in_transit", utc(2026, 12, 1, 2, 5)),            # Z
        ("customs_hold", utc(2026, 12, 1, 13, 30)),        # InTransit_006, 08:30 -05:00
        ("customs_cleared", utc(2026, 12, 1, 22, 45)),     # InTransit_005
        ("out_for_delivery", utc(2026, 12, 2, 7, 10)),     # no offset: taken as UTC
        ("delivered", utc(2026, 12, 2, 19, 3)),
    ]
    assert all(u.tracking_number == TRACKING_NUMBER for u in updates)
    assert all(u.occurred_at.utcoffset().total_seconds() == 0 for u in updates)
    assert updates[0].location == "Seoul, South Korea" and updates[0].note == "Shipment information received"
    assert updates[1].location == "Seoul Gwangjin"
    assert updates[3].location == "Jamaica, NY, United States"


def test_same_payload_twice_gives_the_same_external_ids():
    first, again = parse(sample_payload()), parse(sample_payload())

    assert [u.external_id for u in first] == [u.external_id for u in again]
    assert len({u.external_id for u in first}) == len(first)
    assert all(u.external_id.startswith("aftership:") and len(u.external_id) <= 64 for u in first)


def test_same_checkpoint_written_with_another_offset_keeps_its_id():
    kst = parse(sample_payload(checkpoints=[checkpoint(checkpoint_time="2026-12-01T11:05:00+09:00")]))
    z = parse(sample_payload(checkpoints=[checkpoint(checkpoint_time="2026-12-01T02:05:00Z")]))

    assert kst[0].external_id == z[0].external_id


def test_a_changed_message_is_a_new_event():
    one = parse(sample_payload(checkpoints=[checkpoint(message="Departed")]))
    other = parse(sample_payload(checkpoints=[checkpoint(message="Departed facility")]))

    assert one[0].external_id != other[0].external_id


def test_duplicate_checkpoints_in_one_payload_are_recorded_once():
    updates = parse(sample_payload(checkpoints=[checkpoint(), checkpoint()]))

    assert len(updates) == 1


def test_tracking_number_is_compacted_like_stored_numbers():
    updates = parse(sample_payload("ee 123456785 kr"))

    assert {u.tracking_number for u in updates} == {"EE123456785KR"}


@pytest.mark.parametrize("tag, subtag, event", [
    ("InfoReceived", "InfoReceived_001", "label_created"),
    ("InTransit", "InTransit_001", "in_transit"),
    ("InTransit", "InTransit_002", "picked_up"),
    ("InTransit", "InTransit_005", "customs_cleared"),
    ("InTransit", "InTransit_006", "customs_hold"),
    ("InTransit", "InTransit_007", "in_transit"),
    ("InTransit", None, "in_transit"),
    ("OutForDelivery", "OutForDelivery_001", "out_for_delivery"),
    ("AvailableForPickup", "AvailableForPickup_001", "out_for_delivery"),
    ("Delivered", "Delivered_003", "delivered"),
    ("AttemptFail", "AttemptFail_002", "exception"),
    ("Exception", "Exception_004", "exception"),   # customs delay: staff must look
    ("Exception", "Exception_010", "exception"),   # on its way back, not back yet
    ("Exception", "Exception_011", "returned_to_sender"),
    ("Exception", "InTransit_002", "exception"),   # a subtag of another tag is ignored
    ("Pending", "Pending_001", None),
    ("Expired", "Expired_001", None),
    ("Teleported", None, None),
])
def test_tag_mapping(tag, subtag, event):
    assert event_for(tag, subtag) == event


def test_mapping_file_is_versioned_and_maps_only_to_our_events():
    tags, subtags, version = aftership.tag_map()

    assert version
    assert {e for e in [*tags.values(), *subtags.values()] if e} <= set(TRACKING_EVENTS)


def test_untracked_tags_are_skipped_not_refused():
    payload = sample_payload(checkpoints=[checkpoint(tag="Pending", subtag="Pending_001"),
                                          checkpoint(tag="Teleported", subtag=None, message="beam"),
                                          checkpoint(tag="Expired", subtag="Expired_001", message="old"),
                                          checkpoint()])

    assert [u.type for u in parse(payload)] == ["in_transit"]


def test_no_checkpoints_yet_is_no_events():
    payload = sample_payload(checkpoints=[])
    del payload["msg"]["checkpoints"]

    assert parse(sample_payload(checkpoints=[])) == []
    assert parse(payload) == []


def test_other_webhook_events_carry_nothing_to_record():
    payload = {**sample_payload(), "event": "edd_revise"}

    assert parse(payload) == []


def test_signature_header_is_found_in_any_case():
    headers, body = request(sample_payload())
    headers = {"Aftership-Hmac-Sha256": headers.pop("aftership-hmac-sha256"), **headers}

    assert len(AfterShipWebhook().parse(headers, body, SECRET)) == 7


@pytest.mark.parametrize("forge", ["missing", "empty", "wrong_secret", "tampered", "garbage", "not_base64"])
def test_bad_signatures_are_refused(forge):
    headers, body = request(sample_payload())
    if forge == "missing":
        del headers["aftership-hmac-sha256"]
    elif forge == "empty":
        headers["aftership-hmac-sha256"] = ""
    elif forge == "wrong_secret":
        headers["aftership-hmac-sha256"] = sign(body, "another-secret")
    elif forge == "tampered":
        body = body.replace(b"Delivered, front door", b"Delivered, to a thief")
    elif forge == "garbage":
        headers["aftership-hmac-sha256"] = "ñ" * 44
    else:
        headers["aftership-hmac-sha256"] = "not base64 at all"

    with pytest.raises(BadSignature):
        AfterShipWebhook().parse(headers, body, SECRET)


def test_empty_secret_verifies_nothing():
    headers, body = request(sample_payload(), secret="")

    with pytest.raises(BadSignature):
        AfterShipWebhook().parse(headers, body, "")


def test_signature_is_checked_before_the_body_is_read():
    with pytest.raises(BadSignature):
        AfterShipWebhook().parse({"aftership-hmac-sha256": "x"}, b"not json", SECRET)


def _with_msg(**changes):
    payload = sample_payload()
    payload["msg"].update(changes)
    return payload


def _with_checkpoint(**changes):
    return sample_payload(checkpoints=[checkpoint(**changes)])


@pytest.mark.parametrize("body", [
    b"not json",
    b"\xff\xfe",
    b"[]",
    b'"tracking_update"',
    json.dumps({"event": "tracking_update"}).encode(),
    json.dumps({**sample_payload(), "event": 7}).encode(),
    json.dumps({**sample_payload(), "msg": []}).encode(),
    json.dumps(_with_msg(tracking_number=None)).encode(),
    json.dumps(_with_msg(tracking_number="")).encode(),
    json.dumps(_with_msg(tracking_number=" - ")).encode(),
    json.dumps(_with_msg(tracking_number=1234567890)).encode(),
    json.dumps(_with_msg(tracking_number="A" * 65)).encode(),
    json.dumps(_with_msg(checkpoints={"0": checkpoint()})).encode(),
    json.dumps(_with_msg(checkpoints="none")).encode(),
    json.dumps(_with_msg(checkpoints=["InTransit"])).encode(),
    json.dumps(_with_checkpoint(checkpoint_time="yesterday")).encode(),
    json.dumps(_with_checkpoint(checkpoint_time="2026-13-01T00:00:00Z")).encode(),
    json.dumps(_with_checkpoint(checkpoint_time=None)).encode(),
    json.dumps(_with_checkpoint(checkpoint_time=1796224980)).encode(),
    json.dumps(_with_checkpoint(tag=None)).encode(),
    json.dumps(_with_checkpoint(subtag=2)).encode(),
    json.dumps(_with_checkpoint(message={"en": "x"})).encode(),
    json.dumps(_with_checkpoint(city=["Seoul"])).encode(),
])
def test_malformed_payloads_are_refused(body):
    headers, body = request(body)

    with pytest.raises(InvalidPayload):
        AfterShipWebhook().parse(headers, body, SECRET)


def test_long_messages_and_locations_fit_the_event_columns():
    updates = parse(_with_checkpoint(message="m" * 900, location="l" * 300))

    assert len(updates[0].note) == 500 and len(updates[0].location) == 200
