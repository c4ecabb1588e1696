"""Benchmark: searching a guide of 10,000 articles (target p95 <= 50 ms).

Writes the articles through ``kb.services.save_article`` (so the index is the one the
application builds): French and English versions, a third visible to one organisation of
twenty, a tenth drafts, with a realistic spread of words (see FILLER). Then measures
``kb.search.search`` for a requester, with the queries people type: one word, plurals
without accents, a typo, and a whole subject as the new-request form sends it (any word).
PostgreSQL by default; ``--sqlite`` for the embedded default (its file is kept in
``$TMPDIR/comptoir-bench-kb-sqlite`` for ``--reuse``).

    .venv/bin/python bench/bench_kb_search.py [--articles 10000] [--rounds 20] [--reuse] [--sqlite]
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import harness

_SUPPORT_WORDS = """
site page actualité image mailpoet contact liste abonné import export compte utilisateur mot passe
connexion back office menu rubrique article catégorie média fichier document pdf formulaire
inscription lettre paroisse agenda événement photo galerie vidéo lien bouton couleur thème
extension sauvegarde mise jour sécurité spam courriel envoi modèle brouillon publication
traduction anglais accueil bannière pied entête recherche droit rôle éditeur
"""
WORDS = _SUPPORT_WORDS.split()
QUERIES = [
    ("one word", "mailpoet", False),
    ("plural, no accent", "actualites", False),
    ("two words", "importer contacts", False),
    ("typo", "mailpot", False),
    ("subject (any word)", "Comment importer la liste des abonnés dans Mailpoet ?", True),
    ("subject (any word)", "Le formulaire d'inscription a disparu de la page d'accueil", True),
]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=f"{harness.DEFAULT_PG_SERVER}/comptoir_bench_kb")
    parser.add_argument("--sqlite", action="store_true", help="the embedded default instead of PostgreSQL")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the loaded database if it has the articles"
    )
    return parser.parse_args(argv)


# Most words of an article are not the ones people search for: a filler vocabulary of
# 3,000 words, and one word in twenty from the support vocabulary above (so "mailpoet" is
# in about one article in ten, "site" too: a common word, not in every article).
FILLER = [f"{a}{b}{c}" for a in ("ba", "co", "di", "fe", "gu", "lo") for b in "aeiourst" for c in range(63)]
DOMAIN_SHARE = 0.05


def sentence(rng: random.Random, n: int) -> str:
    words = (rng.choice(WORDS) if rng.random() < DOMAIN_SHARE else rng.choice(FILLER) for _ in range(n))
    return " ".join(words).capitalize() + "."


def load(count: int) -> None:
    from django.db import transaction

    from comptoir.accounts.models import Organisation
    from comptoir.kb import services
    from comptoir.kb.models import Article, Category

    rng = random.Random(6)
    organisations = [Organisation.objects.create(name=f"Paroisse {i}") for i in range(20)]
    categories = [
        Category.objects.create(slug=f"rubrique-{i}", name_fr=f"Rubrique {i}", name_en=f"Section {i}")
        for i in range(12)
    ]
    for start in range(0, count, 500):
        with transaction.atomic():
            for i in range(start, min(count, start + 500)):
                shown_to = Article.Visibility.ORGANISATIONS if i % 3 == 0 else Article.Visibility.SIGNED_IN
                article = services.save_article(
                    Article(
                        category=categories[i % len(categories)],
                        slug=f"article-{i}",
                        title_fr=sentence(rng, 5),
                        body_fr="\n\n".join(sentence(rng, 25) for _ in range(6)),
                        title_en=sentence(rng, 5) if i % 2 else "",
                        body_en="\n\n".join(sentence(rng, 25) for _ in range(6)) if i % 2 else "",
                        status=Article.Status.DRAFT if i % 10 == 0 else Article.Status.PUBLISHED,
                        visibility=shown_to,
                    )
                )
                if shown_to == Article.Visibility.ORGANISATIONS:
                    article.organisations.set([organisations[i % len(organisations)]])


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.sqlite:
        # Kept between runs (like the PostgreSQL database), so --reuse skips the load.
        var = Path(tempfile.gettempdir()) / "comptoir-bench-kb-sqlite"
        if not args.reuse:
            shutil.rmtree(var, ignore_errors=True)
        var.mkdir(exist_ok=True)
        existed = (var / "comptoir.sqlite3").exists()
        harness.configure_django(var=var, database_url=None)
    else:
        existed = harness.ensure_postgres_database(args.database_url, fresh=not args.reuse)
        harness.configure_django(var=harness.var_dir("kb-search"), database_url=args.database_url)
    harness.migrate()
    from django.db import connection

    from comptoir.accounts.models import Organisation, User
    from comptoir.kb.models import Article
    from comptoir.kb.search import search

    harness.print_machine()
    print(f"  database             {connection.vendor}")
    have = Article.objects.count() if existed else 0
    if have < args.articles:
        if existed:
            raise SystemExit("the reused database is incomplete: run without --reuse")
        started = time.perf_counter()
        load(args.articles)
        elapsed = time.perf_counter() - started
        print(f"wrote {args.articles:,} articles through save_article in {elapsed:.1f} s")
    else:
        print(f"reusing {have:,} articles")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    requester = User.objects.filter(username="bench-requester").first() or User.objects.create(
        username="bench-requester", organisation=Organisation.objects.order_by("pk").first()
    )

    everything: list[float] = []
    print(f"\n{'query':<22} {'hits':>4} {'p50 ms':>8} {'p95 ms':>8}")
    for label, query, any_word in QUERIES:
        search(query, user=requester, language="fr", any_word=any_word)  # warm-up
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            hits = search(query, user=requester, language="fr", limit=10, any_word=any_word)
            times.append((time.perf_counter() - started) * 1000)
        everything += times
        p50, p95 = harness.percentile(times, 50), harness.percentile(times, 95)
        print(f"{label:<22} {len(hits):>4} {p50:>8.1f} {p95:>8.1f}")
    print(
        f"\nall queries: p50 {harness.percentile(everything, 50):.1f} ms, "
        f"p95 {harness.percentile(everything, 95):.1f} ms over {len(everything)} searches "
        "(target: p95 <= 50 ms over 10,000 articles)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
