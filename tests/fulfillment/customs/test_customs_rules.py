"""The export rules data file (fulfillment/customs/data/export_rules.json) and its typed view."""
from __future__ import annotations

import copy
import os
import re
from pathlib import Path

import pytest

from fulfillment.customs.rules import cited_sources, export_rules, load_bundled, parse_rules
from shop.markets.services import load_bundled as load_markets

# The reference facts sit beside the repository here; DARI_REFERENCE_FACTS names them elsewhere.
FACTS = Path(os.environ.get("DARI_REFERENCE_FACTS")
             or Path(__file__).resolve().parents[4] / "shared" / "reference" / "crossborder-facts.md")


def appendix_ids(text: str) -> set[str]:
    appendix = text.split("## Appendix: sources", 1)[1]
    return set(re.findall(r"^\s*- ([A-Z]+[0-9]+) ", appendix, flags=re.MULTILINE))


def test_the_declaration_rules_are_the_reference_figures():
    declaration = export_rules().declaration

    assert declaration.max_fob_krw == 2_000_000 and declaration.declaration_type == "15"
    assert declaration.qualifies(2_000_000) and not declaration.qualifies(2_000_001)
    assert "4,000,000" in declaration.unverified["max_fob_krw"]
    assert set(declaration.sources) == {"X1", "X2", "X3", "X6"}  # the sources of §6's declaration row
    assert str(declaration.daily_list_timezone) == "Asia/Seoul"
    assert export_rules().business_number.format == "XXX-XX-XXXXX"


def test_every_cited_source_resolves_in_the_file():
    data = load_bundled()

    assert cited_sources(data) <= set(data["sources"])
    assert set(data["sources_outside_reference"]) <= set(data["sources"])


def test_reference_sources_match_the_copy_in_the_market_rules():
    data = load_bundled()
    markets = load_markets()["sources"]

    for source in set(data["sources"]) - set(data["sources_outside_reference"]):
        assert data["sources"][source] == markets[source], source


@pytest.mark.skipif(not FACTS.exists(), reason=f"reference facts not found at {FACTS}")
def test_reference_sources_are_in_the_facts_appendix():
    data = load_bundled()
    ids = appendix_ids(FACTS.read_text(encoding="utf-8"))

    assert {"X1", "X6", "B1"} <= ids  # the parser found the appendix
    assert cited_sources(data) - set(data["sources_outside_reference"]) <= ids


def test_a_rule_citing_an_unknown_source_is_refused():
    data = copy.deepcopy(load_bundled())
    data["ecommerce_export_declaration"]["sources"].append("X99")

    with pytest.raises(ValueError, match="X99"):
        parse_rules(data)


@pytest.mark.parametrize("key, value", [("max_fob_krw", 0), ("max_fob_krw", 2e6), ("threshold_per", "parcel")])
def test_a_rule_the_code_cannot_apply_is_refused(key, value):
    data = copy.deepcopy(load_bundled())
    data["ecommerce_export_declaration"][key] = value

    with pytest.raises(ValueError, match=key):
        parse_rules(data)


def test_incoterms_say_who_pays():
    rules = export_rules()

    assert rules.incoterm("DDP").duties_payer == "sender" and rules.incoterm("DDP").collected_at_checkout
    assert rules.incoterm("DAP").duties_payer == "receiver" and not rules.incoterm("DAP").collected_at_checkout
    with pytest.raises(KeyError, match="EXW"):
        rules.incoterm("EXW")
