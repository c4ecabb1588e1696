"""Campaign pages of the desk (procedures 004 and 000): contact lists and their imports
(upload → mapping → report), notice templates with a preview, campaigns (new, detail with
its progress and report) and the outage page's notice buttons. Thin: parse, call a
service of ``comptoir.campaigns``, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.campaigns import audiences, csvfiles, imports, services
from comptoir.campaigns.models import Campaign, ContactList, ListVersion, NoticeTemplate, Recipient
from comptoir.core.clock import now as clock_now
from comptoir.core.errors import ComptoirError
from comptoir.desk.campaign_forms import (
    CampaignTextForm,
    ContactListForm,
    MappingForm,
    NewCampaignForm,
    ScheduleForm,
    TemplateForm,
    UploadForm,
)
from comptoir.desk.views import staff_required
from comptoir.outages.models import Outage

PAGE = 50
REPORT_ROWS = 200


def _manager_or_404(request: HttpRequest) -> None:
    try:
        services.check_can_manage(request.user)
    except ComptoirError:
        raise Http404 from None


def _campaign_or_404(request: HttpRequest, pk: int) -> Campaign:
    campaign = (
        Campaign.objects.select_related("outage", "template", "follows", "created_by").filter(pk=pk).first()
    )
    if campaign is None:
        raise Http404
    try:
        services.check_can_send(request.user, kind=campaign.kind)
    except ComptoirError:
        raise Http404 from None
    return campaign


@staff_required
def campaigns(request: HttpRequest) -> HttpResponse:
    rows = Campaign.objects.select_related("outage", "created_by").order_by("-created_at", "-pk")
    if not request.user.sees_everything:
        rows = rows.exclude(kind=NoticeTemplate.Kind.NEWSLETTER)
    return render(
        request,
        "desk/campaigns.html",
        {"campaigns": list(rows[:PAGE]), "manages": request.user.sees_everything},
    )


def _kinds_for(request: HttpRequest, kind: str) -> list[str]:
    notices = [NoticeTemplate.Kind.UNAVAILABILITY, NoticeTemplate.Kind.UPDATE, NoticeTemplate.Kind.END]
    allowed = [*notices, NoticeTemplate.Kind.NEWSLETTER] if request.user.sees_everything else notices
    return [kind] if kind in allowed else allowed


@staff_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    outage = None
    if source.get("outage", "").isdigit():
        outage = Outage.objects.filter(pk=int(source["outage"])).first()
        if outage is None:
            raise Http404
    kind = source.get("kind", "")
    # An update or the end of an outage goes to the people who were told of it.
    follows = services.notice_sent_for(outage) if outage is not None and kind in {"update", "end"} else None
    kinds = _kinds_for(request, kind)
    initial: dict[str, Any] = {"language": "fr"}
    template = services.default_template(kinds[0]) if len(kinds) == 1 else None
    if template is not None:
        initial["template"] = template
    if outage is not None and follows is None:
        initial["versions"] = audiences.default_versions(outage)
    follows_label = str(follows) if follows is not None else ""
    form = NewCampaignForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        kinds=kinds,
        follows_label=follows_label,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.create_campaign(
                by=request.user,
                template=data["template"],
                name=data["name"],
                outage=outage,
                versions=data["versions"],
                organisations=data["organisations"],
                products=data["products"],
                follows=follows,
                language=data["language"],
            )
        except ComptoirError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("desk:campaign", campaign.pk)
    return render(
        request, "desk/campaign_new.html", {"form": form, "outage": outage, "follows": follows, "kind": kind}
    )


def _counts(campaign: Campaign) -> dict[str, int]:
    counts = dict.fromkeys(Recipient.State.values, 0)
    counts.update(
        Recipient.objects.filter(campaign=campaign).values_list("state").annotate(n=Count("pk")).order_by()
    )
    return counts


def _progress(campaign: Campaign) -> dict[str, Any]:
    counts = _counts(campaign)
    total = sum(counts.values()) or campaign.total
    done = total - counts[Recipient.State.QUEUED]
    return {
        "counts": counts,
        "total": total,
        "done": done,
        "percent": round(100 * done / total)
        if total
        else (100 if campaign.state == Campaign.State.DONE else 0),
        "states": [(value, label, counts[value]) for value, label in Recipient.State.choices],
    }


@staff_required
def campaign_page(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    context: dict[str, Any] = {
        "campaign": campaign,
        "sources": list(
            campaign.sources.select_related("version__contact_list", "organisation", "product", "previous")
        ),
    }
    if campaign.state in services.EDITABLE:
        context["text_form"] = CampaignTextForm(
            initial={f: getattr(campaign, f) for f in CampaignTextForm.base_fields}
        )
        context["schedule_form"] = ScheduleForm()
        context["previews"] = [services.preview(campaign, language=code) for code in ("fr", "en")]
    else:
        context["progress"] = _progress(campaign)
        context["problems"] = list(
            Recipient.objects.filter(
                campaign=campaign, state__in=[Recipient.State.FAILED, Recipient.State.BOUNCED]
            ).order_by("pk")[:REPORT_ROWS]
        )
    return render(request, "desk/campaign.html", context)


@staff_required
def campaign_progress(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    return render(
        request, "desk/campaign_progress.html", {"campaign": campaign, "progress": _progress(campaign)}
    )


@staff_required
@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    try:
        if action == "save":
            form = CampaignTextForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Fill in every field of the text."))
            else:
                services.edit_campaign(campaign, by=request.user, **form.cleaned_data)
                messages.success(request, _("The text is saved."))
        elif action == "test":
            services.send_test(campaign, to=request.user)
            messages.success(
                request,
                _("A test was sent to %(email)s, in French and in English.") % {"email": request.user.email},
            )
        elif action == "send":
            services.start(campaign, by=request.user)
            messages.success(request, _("The campaign is being sent."))
        elif action == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the date and time of sending."))
            else:
                services.schedule(campaign, by=request.user, at=form.cleaned_data["send_at"])
                messages.success(request, _("The campaign is scheduled."))
        elif action == "cancel":
            services.cancel(campaign, by=request.user)
            messages.success(request, _("The campaign is cancelled: the mails not sent yet will not be."))
        else:
            raise Http404
    except ComptoirError as exc:
        messages.error(request, exc.message)
    return redirect("desk:campaign", campaign.pk)


@staff_required
@require_POST
def end_notice(request: HttpRequest, outage_pk: int) -> HttpResponse:
    """Procedure 004, step 3, in one click."""
    outage = Outage.objects.filter(pk=outage_pk).first()
    if outage is None:
        raise Http404
    try:
        campaign = services.send_end_notice(outage=outage, by=request.user)
    except ComptoirError as exc:
        messages.warning(request, exc.message)
        return redirect(f"{reverse('desk:campaign_new')}?outage={outage.pk}&kind=end")
    messages.success(
        request, _("The end notice is being sent to the recipients of the unavailability notice.")
    )
    return redirect("desk:campaign", campaign.pk)


# Contact lists and imports -------------------------------------------------------------


@staff_required
def lists(request: HttpRequest) -> HttpResponse:
    _manager_or_404(request)
    form = ContactListForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = imports.create_list(by=request.user, **form.cleaned_data)
        except ComptoirError as exc:
            form.add_error("name", exc.message)
        else:
            return redirect("desk:contact_list", created.pk)
    latest = {v.contact_list_id: v for v in audiences.latest_versions()}
    rows = list(ContactList.objects.select_related("product").order_by("name"))
    return render(
        request, "desk/campaign_lists.html", {"lists": [(c, latest.get(c.pk)) for c in rows], "form": form}
    )


@staff_required
def list_page(request: HttpRequest, pk: int) -> HttpResponse:
    _manager_or_404(request)
    contact_list = ContactList.objects.select_related("product").filter(pk=pk).first()
    if contact_list is None:
        raise Http404
    upload_form = UploadForm()
    settings_form = ContactListForm(
        initial={
            "name": contact_list.name,
            "product": contact_list.product,
            "notices_to_unsubscribed": contact_list.notices_to_unsubscribed,
        }
    )
    if request.method == "POST" and request.POST.get("step") == "settings":
        settings_form = ContactListForm(request.POST)
        if settings_form.is_valid():
            imports.update_list(
                contact_list,
                by=request.user,
                product=settings_form.cleaned_data["product"],
                notices_to_unsubscribed=settings_form.cleaned_data["notices_to_unsubscribed"],
            )
            messages.success(request, _("The list's settings are saved."))
            return redirect("desk:contact_list", contact_list.pk)
    elif request.method == "POST":
        upload_form = UploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            try:
                version = imports.upload(
                    contact_list=contact_list, by=request.user, filename=upload.name, data=upload.read()
                )
            except ComptoirError as exc:
                upload_form.add_error("file", exc.message)
            else:
                return redirect("desk:contact_import", version.pk)
    versions = list(
        contact_list.versions.select_related("uploaded_by")
        .defer("data", "report")
        .order_by("-uploaded_at", "-pk")[:PAGE]
    )
    return render(
        request,
        "desk/campaign_list.html",
        {
            "contact_list": contact_list,
            "versions": versions,
            "upload_form": upload_form,
            "settings_form": settings_form,
        },
    )


@staff_required
def import_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Mapping step while the file waits; the report once it is imported."""
    _manager_or_404(request)
    version = ListVersion.objects.select_related("contact_list", "uploaded_by").filter(pk=pk).first()
    if version is None:
        raise Http404
    if version.state == ListVersion.State.IMPORTED:
        report = [dict(entry, reason_text=imports.reason_text(entry)) for entry in version.report]
        return render(request, "desk/campaign_import_report.html", {"version": version, "report": report})
    if request.method == "POST" and request.POST.get("step") == "reload":
        query = urlencode({"delimiter": request.POST.get("delimiter", "")})
        return redirect(f"{reverse('desk:contact_import', args=[version.pk])}?{query}")
    delimiter = request.POST.get("delimiter") or request.GET.get("delimiter") or version.delimiter
    if delimiter not in csvfiles.DELIMITERS:
        delimiter = version.delimiter
    sniffed = imports.sniffed(version, delimiter=delimiter)
    initial: dict[str, Any] = {"delimiter": delimiter, "has_header": version.has_header}
    mapping = version.mapping if delimiter == version.delimiter else sniffed.mapping
    for field, index in mapping.items():
        initial[f"map_{field}"] = "" if index is None else str(index)
    form = MappingForm(request.POST or None, initial=initial, columns=list(sniffed.columns))
    if request.method == "POST" and request.POST.get("step") == "import" and form.is_valid():
        try:
            imports.run_import(
                version,
                by=request.user,
                mapping=form.mapping(),
                has_header=form.cleaned_data["has_header"],
                delimiter=form.cleaned_data["delimiter"],
            )
        except ComptoirError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("desk:contact_import", version.pk)
    return render(
        request, "desk/campaign_import_mapping.html", {"version": version, "sniffed": sniffed, "form": form}
    )


# Templates ---------------------------------------------------------------------------


@staff_required
def templates(request: HttpRequest) -> HttpResponse:
    _manager_or_404(request)
    return render(
        request,
        "desk/campaign_templates.html",
        {"templates": list(NoticeTemplate.objects.order_by("kind", "name"))},
    )


@staff_required
def template_page(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Edit a template; the preview renders it for an outage (the latest one, or the one chosen)."""
    _manager_or_404(request)
    template = None
    if pk is not None:
        template = NoticeTemplate.objects.filter(pk=pk).first()
        if template is None:
            raise Http404
    fields = list(TemplateForm.base_fields)
    form = TemplateForm(
        request.POST if request.method == "POST" else None,
        initial={f: getattr(template, f) for f in fields}
        if template
        else {"kind": NoticeTemplate.Kind.NEWSLETTER},
    )
    if request.method == "POST" and form.is_valid():
        try:
            template = services.save_template(template, by=request.user, **form.cleaned_data)
        except ComptoirError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The template is saved."))
            return redirect("desk:campaign_template", template.pk)
    outages = list(Outage.objects.order_by("-started_at", "-pk")[:20])
    chosen = request.GET.get("outage", "")
    outage = next((o for o in outages if str(o.pk) == chosen), outages[0] if outages else None)
    previews = []
    if template is not None:
        draft = Campaign(
            pk=0,
            kind=template.kind,
            language="fr",
            outage=outage,
            state=Campaign.State.DRAFT,
            subject_fr=template.subject_fr,
            body_fr=template.body_fr,
            subject_en=template.subject_en,
            body_en=template.body_en,
        )
        previews = [
            services.preview(draft, language=code, name=_("Marie Durand"), email="marie.durand@example.org")
            for code in ("fr", "en")
        ]
    return render(
        request,
        "desk/campaign_template.html",
        {
            "template": template,
            "form": form,
            "previews": previews,
            "outages": outages,
            "outage": outage,
            "now": clock_now(),
        },
    )
