"""The returns package's answer to checkout's ``ReturnTerms`` seam: a line's change-of-mind
exclusions in a market, from the policy engine (one rule, the one a return request meets)."""
from __future__ import annotations

import returns.policy as policy
from returns.policy import explain
from shop.markets.services import get_market
from shop.orders.return_terms import ReturnExclusion


class PolicyReturnTerms:
    """``shop.orders.return_terms.ReturnTerms`` over ``returns.policy.exclusions_for``."""

    def exclusions(self, session, market_code: str, category: str | None) -> list[ReturnExclusion]:
        market = policy.MarketRules.of(get_market(session, market_code))
        found: list[ReturnExclusion] = []
        seen: set[str] = set()
        for when, opened in (("always", False), ("opened", True)):
            for reason in policy.exclusions_for(market, category, opened=opened, notice_given=True):
                code = reason.params.get("exclusion")
                if reason.code == "excluded_category" and code not in seen:
                    seen.add(code)
                    found.append(ReturnExclusion(code=code, when=when, text=self.exclusion_text(code),
                                                 sources=reason.sources))
        return found

    def exclusion_text(self, code: str) -> str:
        return str(explain.EXCLUSIONS.get(code, code))

    def version(self, session, market_code: str) -> str:
        return f"{get_market(session, market_code).data_version}/{policy.policy_data()['version']}"
