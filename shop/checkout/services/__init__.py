"""Checkout services: carts, quotes, placing orders."""
