"""The monthly report by mail (once per month and scope, each organisation's admins their
own figures) and deflections from the knowledge base."""

from __future__ import annotations

from datetime import date

from django.core import mail

from comptoir.core import outbox
from comptoir.reports import measures, monthly
from comptoir.reports.models import MonthlyReport
from comptoir.reports.query import Scope
from tests.reports.conftest import FILLED_AT, History, at, paris


def test_monthly_report_goes_once_to_supervisors_and_to_each_organisation_admin(known_history: History):
    h = known_history
    mail.outbox.clear()
    with at(paris(2026, 6, 1, 6, 15)):
        written = monthly.send_due()
        outbox.deliver_due()
    assert written == 3
    by_person = {m.to[0]: m for m in mail.outbox}
    supervisor = by_person[h.desk.supervisor.email]
    parish = by_person[h.desk.site_owner.email]
    town = by_person[h.desk.other_admin.email]
    assert "2026" in supervisor.subject
    assert "Paroisse Saint-Seurin" in parish.subject
    assert "Mairie" not in parish.body
    assert "Mairie de Villeneuve" in town.subject
    assert "Paroisse" not in town.body
    assert "/reports/organisation/?from=2026-05-01&to=2026-05-31" in parish.body
    # Its quota: two requests of twenty in May (T5 and T6).
    assert "2 / 20" in parish.body
    assert set(MonthlyReport.objects.values_list("scope", flat=True)) == {
        "all",
        f"organisation:{h.desk.parish.pk}",
        f"organisation:{h.desk.customer.pk}",
    }
    mail.outbox.clear()
    with at(paris(2026, 6, 2, 6, 15)):
        assert monthly.send_due() == 0
    with at(paris(2026, 6, 15, 6, 15)):
        assert monthly.send_due() == 0


def test_deflections_count_requests_the_guide_avoided(known_history: History):
    from comptoir.kb.models import Article, Category
    from comptoir.kb.services import record_deflection

    h = known_history
    category = Category.objects.create(slug="sites", name_fr="Sites")
    article = Article.objects.create(
        category=category,
        slug="importer",
        title_fr="Importer ses contacts",
        body_fr="Ainsi.",
        status="published",
    )
    with at(paris(2026, 5, 6, 11, 0)):
        record_deflection(article, user=h.desk.requester, query="importer contacts")
        record_deflection(article, user=h.desk.neighbour, query="importer")
    parish = Scope(date(2026, 5, 1), date(2026, 5, 31), (("organisation", str(h.desk.parish.pk)),))
    t = measures.build(measures.DEFLECTIONS, parish, "total", at=FILLED_AT)
    assert [c.value for c in t.rows[0].cells] == [1, 2, 33.3]  # one avoided, two received (T5, T6)
    by_org = measures.build(
        measures.DEFLECTIONS, Scope(date(2026, 5, 1), date(2026, 5, 31)), "organisation", at=FILLED_AT
    )
    assert {r.label: r.cells[0].value for r in by_org.rows} == {
        "Mairie de Villeneuve": 1,
        "Paroisse Saint-Seurin": 1,
    }
    no_data = measures.build(
        measures.DEFLECTIONS,
        Scope(date(2026, 5, 1), date(2026, 5, 31), (("product", "1"),)),
        "total",
        at=FILLED_AT,
    )
    assert no_data.rows == []
    assert no_data.note
