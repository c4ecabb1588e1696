from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from comptoir.api.main import api
from comptoir.core import views as core_views

# The administration signs in through the same page, with the same throttling.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/", include("comptoir.portal.urls")),
    path("desk/", include("comptoir.desk.urls")),
    path("contact/", include("comptoir.contact.urls")),
    path("widget/", include("comptoir.widget.urls")),
    path("newsletters/", include("comptoir.campaigns.urls")),
    path("status/", include("comptoir.outages.urls")),
    path("kb/", include("comptoir.kb.urls")),
    path("reports/", include("comptoir.reports.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
