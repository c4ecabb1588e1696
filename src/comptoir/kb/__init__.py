"""The guide (knowledge base): categories and articles in French and English, their files,
full-text search, "was this helpful" votes, and deflections — requests that the guide
answered before they were sent (procedure 000: "check the guide before opening a ticket").

Public services (``services``): ``save_article``, ``delete_article``, ``store_attachment``,
``record_vote``, ``record_deflection``, ``reindex_all``. Reads (``selectors``):
``readable_articles``, ``article_for``, ``categories_for``. Search (``search``): ``search``
over one of two back-ends (PostgreSQL full text with trigrams, SQLite FTS5), chosen by the
database. Pure modules: ``rendering`` (Markdown to safe HTML) and ``stemming``.
"""
