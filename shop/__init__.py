"""Dari: the Flask app and the store."""
