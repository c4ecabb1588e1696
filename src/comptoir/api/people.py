"""Users and organisations, as far as the caller may see them: a requester sees himself,
an organisation admin his organisation and its people, the support team everyone. Anyone
else is "not found"."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from comptoir.accounts.models import Organisation, User
from comptoir.api import pagination
from comptoir.api.schemas import READ_ERRORS, Ref, Text, ref
from comptoir.api.security import READ
from comptoir.api.vocabulary import UserRole
from comptoir.core.errors import NotFound

router = Router(tags=["users and organisations"])
NOTHING = Q(pk__in=[])


def visible_users(user: User) -> QuerySet[User]:
    if user.is_staff_member:
        scope = Q()
    elif user.role == User.Role.ORG_ADMIN and user.organisation_id:
        scope = Q(organisation_id=user.organisation_id)
    else:
        scope = Q(pk=user.pk)
    return User.objects.filter(scope).select_related("organisation")


def visible_organisations(user: User) -> QuerySet[Organisation]:
    if user.is_staff_member:
        return Organisation.objects.all()
    if user.organisation_id:
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.filter(NOTHING)


class UserOut(Schema):
    id: int
    username: str
    name: str
    email: str
    role: UserRole  # type: ignore[valid-type]
    organisation: Ref | None
    org_role: str = Field(description="owner, editor, reader or empty")
    language: str
    phone: str
    is_active: bool


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None


def user_out(u: User) -> dict[str, Any]:
    return {
        "id": u.pk,
        "username": u.username,
        "name": u.display_name,
        "email": u.email,
        "role": u.role,
        "organisation": ref(u.organisation),
        "org_role": u.org_role,
        "language": u.language,
        "phone": u.phone,
        "is_active": u.is_active,
    }


class UserFilters(Schema):
    organisation: int | None = None
    role: UserRole | None = None  # type: ignore[valid-type]
    cursor: Text | None = None
    limit: int = Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT)


@router.get("/users", response={200: UserPage, **READ_ERRORS}, auth=READ, summary="Users one may see")
def list_users(request: HttpRequest, filters: Query[UserFilters]) -> dict[str, Any]:
    qs = visible_users(request.auth)
    if filters.organisation is not None:
        qs = qs.filter(organisation_id=filters.organisation)
    if filters.role is not None:
        qs = qs.filter(role=filters.role)
    rows, next_cursor = pagination.page(
        qs, field="pk", descending=False, cursor=filters.cursor, limit=filters.limit
    )
    return pagination.items(rows, user_out, next_cursor)


@router.get("/users/me", response={200: UserOut, **READ_ERRORS}, auth=READ, summary="The caller")
def me(request: HttpRequest) -> dict[str, Any]:
    return user_out(visible_users(request.auth).get(pk=request.auth.pk))


@router.get("/users/{user_id}", response={200: UserOut, **READ_ERRORS}, auth=READ, summary="One user")
def read_user(request: HttpRequest, user_id: int) -> dict[str, Any]:
    found = visible_users(request.auth).filter(pk=user_id).first()
    if found is None:
        raise NotFound(_("No such user."))
    return user_out(found)


class OrganisationOut(Schema):
    id: int
    name: str
    language: str
    monthly_ticket_quota: int | None
    is_active: bool


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    next_cursor: str | None


def organisation_out(o: Organisation) -> dict[str, Any]:
    return {
        "id": o.pk,
        "name": o.name,
        "language": o.language,
        "monthly_ticket_quota": o.monthly_ticket_quota,
        "is_active": o.is_active,
    }


class PageArgs(Schema):
    cursor: Text | None = None
    limit: int = Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT)


@router.get(
    "/organisations",
    response={200: OrganisationPage, **READ_ERRORS},
    auth=READ,
    summary="Organisations one may see",
)
def list_organisations(request: HttpRequest, args: Query[PageArgs]) -> dict[str, Any]:
    rows, next_cursor = pagination.page(
        visible_organisations(request.auth),
        field="pk",
        descending=False,
        cursor=args.cursor,
        limit=args.limit,
    )
    return pagination.items(rows, organisation_out, next_cursor)


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **READ_ERRORS},
    auth=READ,
    summary="One organisation",
)
def read_organisation(request: HttpRequest, organisation_id: int) -> dict[str, Any]:
    found = visible_organisations(request.auth).filter(pk=organisation_id).first()
    if found is None:
        raise NotFound(_("No such organisation."))
    return organisation_out(found)
