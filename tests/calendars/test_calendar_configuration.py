"""The calendar screen's rules (comptoir.calendars.services): a week grid of spans, a
holiday country and region, closures and special openings turned into the validated spec,
or refused with what to change, in the reader's language; nothing half-saved."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from comptoir.accounts import contracts
from comptoir.accounts.models import User
from comptoir.calendars import BusinessCalendar, services
from comptoir.calendars.models import Calendar
from comptoir.core.errors import PermissionDenied
from comptoir.demo import CALENDARS
from comptoir.dispatch.presets import EMERGENCY_HOURS, HOTLINE_HOURS
from tests.factories import UserFactory

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def hotline_form(**extra: str) -> dict[str, str]:
    data = {"name": "Hotline", "timezone": "Europe/Paris", "country": "FR", "region": ""}
    for day in WEEKDAYS:
        data |= {
            f"week-{day}-0-start": "09:00",
            f"week-{day}-0-end": "12:00",
            f"week-{day}-1-start": "14:00",
            f"week-{day}-1-end": "17:30",
            f"week-{day}-2-start": "",
            f"week-{day}-2-end": "",
        }
    return data | extra


@pytest.mark.django_db
def test_the_hotline_of_procedure_003_is_the_presets_spec():
    outcome = services.validate(services.read_draft(hotline_form()))
    assert outcome.errors == {}
    assert outcome.spec == BusinessCalendar.from_spec(HOTLINE_HOURS).to_spec()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spec", [*CALENDARS.values(), HOTLINE_HOURS, EMERGENCY_HOURS], ids=lambda s: str(s["week"]["mon"])
)
def test_every_existing_spec_goes_through_the_screen_unchanged(spec):
    calendar = Calendar.objects.create(name="C", spec=spec)
    draft = services.draft_of(calendar)
    assert services.validate(draft, calendar=calendar).spec == BusinessCalendar.from_spec(spec).to_spec()
    # The padded form (empty rows added) reads back the same.
    padded = draft.padded()
    data = {
        "name": padded.name,
        "timezone": padded.timezone,
        "country": padded.country,
        "region": padded.region,
    }
    for day, spans in padded.week.items():
        for n, span in enumerate(spans):
            data |= {f"week-{day}-{n}-start": span.start, f"week-{day}-{n}-end": span.end}
    for n, span in enumerate(padded.holiday_hours):
        data |= {f"holiday-{n}-start": span.start, f"holiday-{n}-end": span.end}
    for n, value in enumerate(padded.closures):
        data[f"closure-{n}"] = value
    for n, opening in enumerate(padded.openings):
        data[f"opening-{n}-day"] = opening.day
        for m, span in enumerate(opening.spans):
            data |= {f"opening-{n}-{m}-start": span.start, f"opening-{n}-{m}-end": span.end}
    read = services.validate(services.read_draft(data), calendar=calendar)
    assert read.errors == {}
    assert read.spec == BusinessCalendar.from_spec(spec).to_spec()


@pytest.mark.django_db
def test_a_calendar_with_every_part_reads_back_through_the_screen():
    spec = {
        **EMERGENCY_HOURS,
        "holidays": {"country": "FR", "subdivision": "57"},
        "closures": ["2026-12-24", "2026-12-31"],
        "openings": {"2026-05-25": ["09:00-12:00", "14:00-17:00"]},
    }
    calendar = Calendar.objects.create(name="Tout", spec=spec)
    draft = services.draft_of(calendar)
    assert draft.region == "57"
    assert draft.openings[0].day == "2026-05-25"
    assert services.validate(draft, calendar=calendar).spec == BusinessCalendar.from_spec(spec).to_spec()


@pytest.mark.django_db
def test_holiday_hours_closures_openings_and_a_region():
    data = hotline_form(
        region="6AE",
        **{
            "holiday-0-start": "16:00",
            "holiday-0-end": "17:00",
            "holiday-1-start": "09:00",
            "holiday-1-end": "10:00",
            "closure-0": "2026-12-24",
            "closure-1": "",
            "closure-2": "2026-12-24",
            "opening-0-day": "2026-12-26",
            "opening-0-0-start": "10:00",
            "opening-0-0-end": "12:00",
            "opening-1-day": "",
        },
    )
    spec = services.validate(services.read_draft(data)).spec
    assert spec is not None
    assert spec["holidays"] == {"country": "FR", "subdivision": "6AE"}
    assert spec["holiday_hours"] == ["09:00-10:00", "16:00-17:00"]
    assert spec["closures"] == ["2026-12-24"]
    assert spec["openings"] == {"2026-12-26": ["10:00-12:00"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("extra", "field", "english", "french"),
    [
        ({"week-mon-1-start": "11:00"}, "week-mon", "overlap", "se chevauchent"),
        (
            {"week-tue-0-start": "12:00", "week-tue-0-end": "09:00"},
            "week-tue",
            "closes before it opens",
            "ferme avant",
        ),
        ({"week-wed-0-end": ""}, "week-wed", "give both", "indiquez"),
        ({"week-thu-0-start": "9h"}, "week-thu", "is not a time", "n'est pas une heure"),
        ({"region": "Atlantis"}, "region", "has no region", "n'a pas de région"),
        ({"country": "XX"}, "country", "Choose a country", "Choisissez un pays"),
        ({"closure-0": "2026-13-45"}, "closures", "is not a date", "n'est pas une date"),
        (
            {"opening-0-day": "demain", "opening-0-0-start": "10:00", "opening-0-0-end": "11:00"},
            "openings",
            "is not a date",
            "n'est pas une date",
        ),
        ({"timezone": "Europe/Lutece"}, "timezone", "time zone", "fuseau"),
        ({"name": ""}, "name", "name", "nom"),
    ],
)
def test_bad_input_is_refused_with_what_to_change_in_both_languages(desk, extra, field, english, french):
    draft = services.read_draft(hotline_form(**extra))
    with translation.override("en"):
        outcome = services.validate(draft)
    assert outcome.spec is None
    assert english in " ".join(outcome.errors[field])
    with translation.override("fr"):
        calendar, outcome = services.save(draft, by=desk.admin)
    assert calendar is None
    assert french in " ".join(outcome.errors[field]).lower() or french in " ".join(outcome.errors[field])
    assert not Calendar.objects.exists()


@pytest.mark.django_db
def test_a_change_is_saved_whole_and_the_cached_calendars_follow(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        calendar, _ = services.save(services.read_draft(hotline_form()), by=desk.admin)
    assert calendar is not None
    desk.parish.calendar = calendar
    desk.parish.save()
    contracts.forget()
    monday_night = datetime(2026, 12, 21, 20, 0, tzinfo=UTC)
    before = contracts.organisation_calendar(desk.parish.pk)
    assert before is not None
    assert before.next_opening(monday_night).date() == date(2026, 12, 22)
    with django_capture_on_commit_callbacks(execute=True):
        services.save(
            services.read_draft(hotline_form(**{"closure-0": "2026-12-22"})), by=desk.admin, calendar=calendar
        )
    after = contracts.organisation_calendar(desk.parish.pk)
    assert after is not None
    assert after.next_opening(monday_night).date() == date(2026, 12, 23)
    # A refused change leaves the stored calendar as it was.
    services.save(
        services.read_draft(hotline_form(**{"week-mon-1-start": "10:00"})), by=desk.admin, calendar=calendar
    )
    calendar.refresh_from_db()
    assert calendar.spec["closures"] == ["2026-12-22"]
    assert calendar.spec["week"]["mon"] == ["09:00-12:00", "14:00-17:30"]


@pytest.mark.django_db
def test_only_administrators_change_supervisors_read(desk):
    with pytest.raises(PermissionDenied):
        services.save(services.read_draft(hotline_form()), by=desk.supervisor)
    services.check_can_read(desk.supervisor)
    with pytest.raises(PermissionDenied):
        services.check_can_read(desk.l1)
    with pytest.raises(PermissionDenied):
        services.check_can_read(UserFactory(role=User.Role.REQUESTER))


def test_regions_and_holidays_have_readable_names():
    assert services.countries()["FR"] == "France"
    regions = dict(services.regions_of("FR"))
    assert "Alsace" in regions["6AE"]
    assert "Moselle" in regions["57"]
    assert "BE" in dict(services.regions_of("CH"))  # Bern, a Swiss canton
    with translation.override("fr"):
        assert services.countries()["BE"] == "Belgique"
    listed = dict(services.holiday_list("FR", "6AE", language="fr", today=date(2026, 3, 1)))
    assert listed[date(2026, 12, 26)]  # Saint-Étienne, Alsace-Moselle only
    assert date(2027, 12, 25) in listed
    assert date(2026, 12, 26) not in dict(
        services.holiday_list("FR", "", language="fr", today=date(2026, 3, 1))
    )


def test_the_preview_counts_in_business_time_and_a_closure_moves_it():
    spec = BusinessCalendar.from_spec(HOTLINE_HOURS).to_spec()
    now = datetime(2026, 12, 23, 16, 0, tzinfo=UTC)  # Wednesday 17:00 in Paris
    shown = services.preview(spec, now=now)
    one_hour, four_hours, two_days = (due for _, due in shown.due)
    assert one_hour.isoformat() == "2026-12-24T09:30:00+01:00"
    assert four_hours.isoformat() == "2026-12-24T14:30:00+01:00"  # 30 min + 3 h + 30 min
    assert two_days.isoformat() == "2026-12-28T17:00:00+01:00"  # Thursday, (Christmas), Monday
    assert shown.openings[0] == (date(2026, 12, 23), ["09:00–12:00", "14:00–17:30"])
    closed = services.preview({**spec, "closures": ["2026-12-24"]}, now=now)
    assert closed.due[0][1].isoformat() == "2026-12-28T09:30:00+01:00"
