import pytest


@pytest.fixture(autouse=True)
def _no_stock_provider(app, monkeypatch):
    """Catalog tests start with stock unknown (= in stock); tests that need stock install a fake."""
    monkeypatch.delitem(app.extensions, "dari.stock", raising=False)
