"""Customs and export papers: a pure library (no routes, no tables).

``documents`` takes plain frozen dataclasses that ``fulfillment.shipments`` builds from its
rows, and returns the commercial invoice with its packing list (PDF bytes) and the daily
export list for the e-commerce export declaration (rows or CSV text). The Korean
export-side figures are sourced data (``data/export_rules.json``, read by ``rules``).
"""
