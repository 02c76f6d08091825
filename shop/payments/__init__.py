"""Payments through Stripe (only ``shop.payments.stripe`` imports ``stripe``) and its webhook."""
