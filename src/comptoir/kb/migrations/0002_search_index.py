"""The guide's search index, one per database vendor (see comptoir.kb.backends).

PostgreSQL: unaccented French and English text search configurations, a tsvector per
article language version (GIN index), and the words the guide uses (trigram index): a
misspelt query word is completed by its nearest word. The word list only grows; a word no
article uses any more costs nothing (the query still matches articles only). ``unaccent`` and ``pg_trgm`` are trusted extensions: the database owner may create
them. SQLite: an FTS5 table whose tokenizer folds case and removes accents.

No foreign key to kb_article: the index is written and cleared by kb.services, and a
flush of the Django tables (tests) must not trip on it.
"""

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'comptoir_french') THEN
        CREATE TEXT SEARCH CONFIGURATION comptoir_french (COPY = pg_catalog.french);
        ALTER TEXT SEARCH CONFIGURATION comptoir_french
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'comptoir_english') THEN
        CREATE TEXT SEARCH CONFIGURATION comptoir_english (COPY = pg_catalog.english);
        ALTER TEXT SEARCH CONFIGURATION comptoir_english
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
      END IF;
    END
    $$
    """,
    """
    CREATE TABLE IF NOT EXISTS kb_search_document (
      article_id bigint NOT NULL,
      language varchar(8) NOT NULL,
      document tsvector NOT NULL,
      PRIMARY KEY (article_id, language)
    )
    """,
    # Kept in the table rather than TOASTed out of line: the planner sees their real size
    # and reads matches through the GIN index instead of scanning (and detoasting) them all.
    "ALTER TABLE kb_search_document ALTER COLUMN document SET STORAGE MAIN",
    "CREATE INDEX IF NOT EXISTS kb_search_document_idx ON kb_search_document USING gin (document)",
    "CREATE TABLE IF NOT EXISTS kb_search_word (word text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS kb_search_word_trgm_idx ON kb_search_word USING gin (word gin_trgm_ops)",
]
POSTGRESQL_BACKWARDS = [
    "DROP TABLE IF EXISTS kb_search_document",
    "DROP TABLE IF EXISTS kb_search_word",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS comptoir_french",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS comptoir_english",
]
SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS kb_article_fts USING fts5("
    "title, body, article_id UNINDEXED, language UNINDEXED, "
    "tokenize=\"unicode61 remove_diacritics 2\")",
]
SQLITE_BACKWARDS = ["DROP TABLE IF EXISTS kb_article_fts"]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_BACKWARDS, "sqlite": SQLITE_BACKWARDS}),
        )
    ]
