from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from comptoir.api.main import api
from comptoir.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
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
