"""Searching a large guide quickly (target: p95 <= 50 ms over 10,000 articles).

PostgreSQL (see comptoir.kb.backends.postgresql): an index over the titles' lexemes
(weight A) so that title matches are found without reading the documents; the GIN indexes
without a pending list (every search scanned it whole, and the guide is written far less
often than it is searched); no parallel scans of the documents (a search reads a few
hundred of them, in the order of its tiers).

SQLite (see comptoir.kb.backends.sqlite): the FTS5 table is rebuilt so that each row's
rowid says whose it is (article id × 2, + 1 for English): a match then never reads the
stored text to know its article and language.

Both: an index on what a reader may find (status, visibility), read by every search.
"""

from django.db import migrations, models

POSTGRESQL = [
    "CREATE INDEX IF NOT EXISTS kb_search_title_idx ON kb_search_document"
    " USING gin (ts_filter(document, '{a}')) WITH (fastupdate = off)",
    "ALTER INDEX kb_search_document_idx SET (fastupdate = off)",
    "ALTER INDEX kb_search_word_trgm_idx SET (fastupdate = off)",
    # What was pending until now goes into the indexes themselves.
    "SELECT gin_clean_pending_list('kb_search_document_idx'),"
    " gin_clean_pending_list('kb_search_word_trgm_idx')",
    "ALTER TABLE kb_search_document SET (parallel_workers = 0)",
]
POSTGRESQL_BACKWARDS = [
    "DROP INDEX IF EXISTS kb_search_title_idx",
    "ALTER INDEX kb_search_document_idx RESET (fastupdate)",
    "ALTER INDEX kb_search_word_trgm_idx RESET (fastupdate)",
    "ALTER TABLE kb_search_document RESET (parallel_workers)",
]
SQLITE = [
    "CREATE VIRTUAL TABLE kb_article_fts_new USING fts5("
    "title, body, article_id UNINDEXED, language UNINDEXED, "
    'tokenize="unicode61 remove_diacritics 2")',
    "INSERT INTO kb_article_fts_new (rowid, title, body, article_id, language)"
    " SELECT article_id * 2 + (language = 'en'), title, body, article_id, language FROM kb_article_fts",
    "DROP TABLE kb_article_fts",
    "ALTER TABLE kb_article_fts_new RENAME TO kb_article_fts",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("kb", "0002_search_index")]
    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["status", "visibility"], name="kb_article_visible_idx"),
        ),
        # Backwards, SQLite keeps the rebuilt table: any rowid suits the earlier code.
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_BACKWARDS}),
        ),
    ]
