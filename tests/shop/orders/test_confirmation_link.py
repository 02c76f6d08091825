"""The confirmation e-mail links to the order only with a storefront URL, the guest token in the fragment."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from shop.core import notifications
from shop.orders.mail import CONFIRMATION, confirmation_context
from shop.orders.models import Order
from tests.shop.checkout.helpers import checkout, make_item, ready_cart

LOCALES = ("ko", "en", "ja", "zh-Hans", "zh-Hant", "vi", "de", "fr")


def guest_order(client, db_session, headers=None):
    cart = ready_cart(client, "US", make_item(db_session).id, headers=headers)
    body = checkout(client, cart["id"], headers=headers).json
    return db_session.get(Order, body["order"]["id"]), body["access_token"]


def links_in(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("https://")]


def confirmation(app, order, **overrides) -> notifications.Rendered:
    """The confirmation as ``order_paid`` renders it (the app's storefront URL and secret key)."""
    context = confirmation_context(order, storefront_url=app.config["STOREFRONT_URL"],
                                   secret_key=app.config["SECRET_KEY"])
    return notifications.render(CONFIRMATION, locale=order.locale, context={**context, **overrides})


def test_no_storefront_url_means_no_link(app, client, db_session, stripe_on):
    assert app.config["STOREFRONT_URL"] is None
    order, token = guest_order(client, db_session)

    rendered = confirmation(app, order)

    for body in (rendered.text, rendered.html):
        assert token not in body and "/orders/" not in body
    assert links_in(rendered.text) == []


def test_a_guest_link_carries_the_token_in_the_fragment_only(app, client, db_session, stripe_on, monkeypatch):
    monkeypatch.setitem(app.config, "STOREFRONT_URL", "https://shop.example.com/")
    order, token = guest_order(client, db_session)

    rendered = confirmation(app, order)
    [link] = links_in(rendered.text)

    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "shop.example.com", f"/orders/{order.id}")
    assert parts.query == "" and parts.fragment == f"token={token}"
    assert f'href="{link}"' in rendered.html
    # what the storefront then sends opens the order
    response = client.get(f"/api/v1/store/orders/{order.id}", headers={"X-Order-Token": parts.fragment[6:]})
    assert response.status_code == 200


def test_an_account_order_links_without_a_token(app, client, db_session, factory, stripe_on, monkeypatch):
    monkeypatch.setitem(app.config, "STOREFRONT_URL", "https://shop.example.com")
    order, token = guest_order(client, db_session, headers=factory.headers(factory.user()))

    rendered = confirmation(app, order)

    assert links_in(rendered.text) == [f"https://shop.example.com/orders/{order.id}"]
    assert token not in rendered.text and token not in rendered.html


@pytest.mark.parametrize("locale", LOCALES)
def test_the_link_line_is_translated(app, client, db_session, stripe_on, locale):
    order, _ = guest_order(client, db_session)
    order.locale = locale

    body = confirmation(app, order, link="https://shop.example.com/orders/x").text

    lines = body.splitlines()
    intro = lines[lines.index("https://shop.example.com/orders/x") - 1]
    assert (intro == "See your order and follow its delivery:") == (locale == "en")
