"""The platform under the store: the database and the unit of work (``db``), errors as
problem+json (``errors``), the API object and its documentation (``api``, ``api_docs``), the
contracts between packages (``seams``), configuration (``config``), outgoing e-mail (``mail``)
and messages (``notifications``), outside clients (``clients``), jobs and the outbox (``jobs``),
the demo registry (``demo``), health and the index (``health``, ``index``), the local API docs
(``docs``).

It knows no store package: ``accounts``, ``catalog``, ``orders`` … build on it, never the other
way round (import-linter's ``shop-core`` contract).
"""
