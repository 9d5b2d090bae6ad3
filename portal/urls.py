from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from portal.api import api
from portal.views import accounts, health, public, workbench

accounts_patterns = (
    [
        path("login/", accounts.LoginView.as_view(), name="login"),
        path("logout/", accounts.logout, name="logout"),
        path("two-factor/", accounts.two_factor, name="two-factor"),
    ],
    "accounts",
)

workbench_patterns = (
    [
        path("", workbench.index, name="index"),
    ],
    "workbench",
)

urlpatterns = [
    path("", public.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include(accounts_patterns)),
    path("workbench/", include(workbench_patterns)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
