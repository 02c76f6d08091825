"""Return cases: returns (RMA) and warranty claims, their refunds, restocking and costs."""
