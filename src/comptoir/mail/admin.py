from django import forms
from django.contrib import admin
from django.template import Engine, TemplateSyntaxError

from comptoir.mail import wording
from comptoir.mail.models import InboundMail, Mailbox, MailTemplate


class MailboxForm(forms.ModelForm):
    imap_password = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "address",
            "is_active",
            "product",
            "group",
            "organisation",
            "unknown_senders",
            "refusal_text",
            "language",
            "urgent_words",
            "urgent_monthly_allowance",
            "imap_host",
            "imap_port",
            "imap_ssl",
            "imap_username",
            "imap_password",
            "imap_folder",
            "imap_done_folder",
        ]


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["address", "name", "is_active", "product", "group", "unknown_senders", "imap_host"]
    readonly_fields = ["imap_uid_validity", "imap_last_uid"]


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "sender", "subject", "state", "outcome", "mailbox"]
    list_filter = ["state", "source", "mailbox"]
    search_fields = ["sender", "subject", "header_message_id"]
    exclude = ["raw"]
    readonly_fields = [f.name for f in InboundMail._meta.fields if f.name != "raw"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


class MailTemplateForm(forms.ModelForm):
    class Meta:
        model = MailTemplate
        fields = ["key", "language", "subject", "body", "is_active"]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        for field in ("subject", "body"):
            try:
                Engine.get_default().from_string("{% load i18n %}" + (data.get(field) or ""))
            except TemplateSyntaxError as exc:
                self.add_error(field, str(exc))
        return data


@admin.register(MailTemplate)
class MailTemplateAdmin(admin.ModelAdmin):
    form = MailTemplateForm
    list_display = ["key", "language", "subject", "is_active"]
    list_filter = ["key", "language"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        wording.forget()
