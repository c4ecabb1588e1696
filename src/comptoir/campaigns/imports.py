"""Contact lists and their imports: upload a CSV file, map its columns, import it as a new
dated version of the list with a report of every rejected row. Reading the file is
``campaigns.csvfiles`` (pure); this module stores what it reads."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comptoir.campaigns import csvfiles
from comptoir.campaigns.models import Contact, ContactList, ListVersion
from comptoir.campaigns.services import check_can_manage
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import InvalidTransition, ValidationError

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.catalog.models import Product

CHUNK = 1000
REPORT_LIMIT = 1000  # rejected rows kept line by line; the count covers them all


def max_bytes() -> int:
    return int(getattr(settings, "COMPTOIR_MAX_IMPORT_BYTES", 50 * 2**20))


def create_list(
    *, by: User, name: str, product: Product | None = None, notices_to_unsubscribed: bool = True
) -> ContactList:
    check_can_manage(by)
    if ContactList.objects.filter(name__iexact=name.strip()).exists():
        raise ValidationError(_("A list with this name already exists."))
    return ContactList.objects.create(
        name=name.strip(),
        product=product,
        notices_to_unsubscribed=notices_to_unsubscribed,
        created_at=clock_now(),
    )


def update_list(
    contact_list: ContactList, *, by: User, product: Product | None, notices_to_unsubscribed: bool
) -> ContactList:
    check_can_manage(by)
    contact_list.product, contact_list.notices_to_unsubscribed = product, notices_to_unsubscribed
    contact_list.save(update_fields=["product", "notices_to_unsubscribed"])
    return contact_list


def upload(*, contact_list: ContactList, by: User, filename: str, data: bytes) -> ListVersion:
    """Step 1: keep the file and what it looks like (encoding, delimiter, header, a guessed
    column mapping) for the mapping step."""
    check_can_manage(by)
    if not data.strip():
        raise ValidationError(_("The file is empty."))
    if len(data) > max_bytes():
        raise ValidationError(
            _("The file is too large (%(max)d MB at most).") % {"max": max_bytes() // 2**20}
        )
    decoded = csvfiles.decode(data)
    sniffed = csvfiles.sniff(decoded)
    return ListVersion.objects.create(
        contact_list=contact_list,
        filename=filename[:255],
        data=data,
        uploaded_at=clock_now(),
        uploaded_by=by,
        encoding=decoded.encoding,
        delimiter=sniffed.delimiter,
        has_header=sniffed.has_header,
        columns=list(sniffed.columns),
        mapping=sniffed.mapping,
    )


def sniffed(version: ListVersion, *, delimiter: str | None = None) -> csvfiles.Sniffed:
    decoded = csvfiles.decode(bytes(version.data))
    found = csvfiles.sniff(decoded)
    if delimiter and delimiter != found.delimiter:
        # The agent chose another delimiter: read the sample again with it.
        rows = list(csvfiles.read_raw(decoded, delimiter=delimiter, limit=6))
        width = max((len(r) for r in rows), default=0)
        columns = tuple(
            (rows[0][i] if found.has_header and i < len(rows[0]) and rows[0][i] else f"column {i + 1}")
            for i in range(width)
        )
        sample = tuple(rows[1:] if found.has_header else rows[:5])
        return csvfiles.Sniffed(delimiter, found.has_header, columns, sample, dict.fromkeys(csvfiles.FIELDS))
    return found


def _is_valid(address: str) -> bool:
    try:
        validate_email(address)
    except DjangoValidationError:
        return False
    return True


def reason_text(entry: Mapping[str, object]) -> str:
    reason = entry.get("reason")
    if reason == csvfiles.Reason.MISSING_ADDRESS:
        return _("No e-mail address")
    if reason == csvfiles.Reason.INVALID_ADDRESS:
        return _("Invalid e-mail address")
    if reason == csvfiles.Reason.DUPLICATE:
        return _("Duplicate of line %(line)s") % {"line": entry.get("first_line")}
    return str(reason)


def _contacts(
    version: ListVersion, rows: Iterator[csvfiles.Row | csvfiles.Rejection], report: list[dict[str, object]]
) -> Iterator[Contact]:
    for row in rows:
        version.rows += 1
        if isinstance(row, csvfiles.Rejection):
            version.rejected += 1
            if len(report) < REPORT_LIMIT:
                report.append(
                    {"line": row.line, "reason": row.reason, "value": row.value, "first_line": row.first_line}
                )
            continue
        version.accepted += 1
        yield Contact(
            version=version,
            email=row.email[:254],
            key=row.key[:254],
            name=row.name[:200],
            organisation=row.organisation[:200],
            language=row.language,
            attributes=row.attributes,
            line=row.line,
        )


@transaction.atomic
def run_import(
    version: ListVersion, *, by: User, mapping: Mapping[str, int | None], has_header: bool, delimiter: str
) -> ListVersion:
    """Step 2: import every good row as a contact of this new version; each bad row goes
    in the report with its line and reason, and no good row is lost because of it."""
    check_can_manage(by)
    version = ListVersion.objects.select_for_update().get(pk=version.pk)  # a double submit imports once
    if version.state != ListVersion.State.MAPPING:
        raise InvalidTransition(_("This file has already been imported."))
    if mapping.get("email") is None:
        raise ValidationError(_("Choose the column that holds the e-mail address."))
    decoded = csvfiles.decode(bytes(version.data))
    rows = csvfiles.read(
        decoded, delimiter=delimiter, has_header=has_header, mapping=mapping, is_valid_email=_is_valid
    )
    report: list[dict[str, object]] = []
    version.rows = version.accepted = version.rejected = 0
    batch: list[Contact] = []
    for contact in _contacts(version, rows, report):
        batch.append(contact)
        if len(batch) >= CHUNK:
            Contact.objects.bulk_create(batch)
            batch = []
    if batch:
        Contact.objects.bulk_create(batch)
    warnings = []
    if decoded.fallback_lines:
        lines = ", ".join(str(n) for n in decoded.fallback_lines[:50])
        warnings.append(
            ngettext(
                "Line %(lines)s was not in UTF-8: it was read as Windows-1252 (check its accents).",
                "Lines %(lines)s were not in UTF-8: they were read as Windows-1252 (check their accents).",
                len(decoded.fallback_lines),
            )
            % {"lines": lines}
        )
    version.report, version.warnings = report, warnings
    version.mapping, version.has_header, version.delimiter = dict(mapping), has_header, delimiter
    version.state, version.imported_at, version.data = ListVersion.State.IMPORTED, clock_now(), b""
    version.save()
    return version
