"""Products and their components: what a new ticket may be about."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from comptoir.api import pagination
from comptoir.api.people import PageArgs
from comptoir.api.schemas import READ_ERRORS, Ref
from comptoir.api.security import READ
from comptoir.api.vocabulary import RequestFieldKind, TicketType
from comptoir.catalog.models import Component, Product
from comptoir.core.errors import NotFound
from comptoir.requestforms import services as requestforms

router = Router(tags=["products"])


class ProductOut(Schema):
    id: int
    name: str
    components: list[Ref]


class ProductPage(Schema):
    items: list[ProductOut]
    next_cursor: str | None


def _products():  # type: ignore[no-untyped-def]
    return Product.objects.filter(is_active=True).prefetch_related(
        Prefetch("components", queryset=Component.objects.order_by("name", "pk"))
    )


def product_out(p: Product) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "components": [{"id": c.pk, "name": c.name} for c in p.components.all()],
    }


@router.get("", response={200: ProductPage, **READ_ERRORS}, auth=READ, summary="Products and components")
def list_products(request: HttpRequest, args: Query[PageArgs]) -> dict[str, Any]:
    """The active products, each with its components."""
    rows, next_cursor = pagination.page(
        _products(), field="pk", descending=False, cursor=args.cursor, limit=args.limit
    )
    return pagination.items(rows, product_out, next_cursor)


class RequestFieldOut(Schema):
    key: str = Field(description="The key of the value in the ticket's `details`.", examples=["page_url"])
    kind: RequestFieldKind  # type: ignore[valid-type]
    label: str
    help: str
    required: bool


class RequestFormOut(Schema):
    guidance: str = Field(description="Shown above the form: what to give, one subject per request.")
    fields: list[RequestFieldOut]


class RequestFormArgs(Schema):
    product: int | None = None
    type: TicketType = TicketType.QUESTION  # type: ignore[valid-type]


@router.get(
    "/request-form",
    response={200: RequestFormOut, **READ_ERRORS},
    auth=READ,
    summary="The new-request form of a product and type",
)
def request_form(request: HttpRequest, args: Query[RequestFormArgs]) -> dict[str, Any]:
    """The facts a new request about this product (none: any) and of this type must give,
    in the caller's language (Accept-Language). Send them in `details` when opening the
    ticket; a `file` field is satisfied by uploading an attachment afterwards."""
    spec = requestforms.form_for(product_id=args.product, type=args.type)
    language = get_language() or "fr"
    if spec is None:
        return {"guidance": "", "fields": []}
    return {
        "guidance": spec.guidance(language),
        "fields": [
            {
                "key": f.key,
                "kind": f.kind,
                "label": f.label(language),
                "help": f.help(language),
                "required": f.required,
            }
            for f in spec.fields
        ],
    }


@router.get("/{product_id}", response={200: ProductOut, **READ_ERRORS}, auth=READ, summary="One product")
def read_product(request: HttpRequest, product_id: int) -> dict[str, Any]:
    found = _products().filter(pk=product_id).first()
    if found is None:
        raise NotFound(_("No such product."))
    return product_out(found)
