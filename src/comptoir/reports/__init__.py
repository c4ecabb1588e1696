"""Reports: the statistics supervisors read (procedure 003: « des études statistiques qui
lui permettront d'augmenter la performance des temps de réponse »).

Owns the per-ticket facts (``Fact``), their daily roll-ups (``DailyFact``), the filler's
progress and the monthly reports sent. Pure modules: ``history`` (a ticket's qualification
at any instant, its milestones and what it counts), ``stats`` (percentiles, buckets),
``charts`` (SVG). Jobs: ``facts.refresh`` (periodic and on demand; ``facts.rebuild`` for
everything) and ``monthly.send_due``. Reads: ``query`` (scope, tallies), ``measures``
(one table per measure), ``dashboard``, ``drilldown`` (the tickets behind a figure),
``deflections`` (from the knowledge base), ``exports`` (CSV, XLSX). Who reads what:
``access``. Pages in ``views`` (``/reports/``), the API in ``comptoir.api.reports``.
"""
