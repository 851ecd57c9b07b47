"""Top-level URLs. Each capability includes its own urls module here with one line."""

from django.urls import include, path

from bondwell.security import headers as security_headers
from bondwell.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("metrics", web_views.metrics, name="metrics"),
    path("notify/", include("bondwell.notify.urls")),
    path("", include("bondwell.accounts.urls")),
    path("", include("bondwell.mfa.urls")),
    path("", include("bondwell.rights.urls")),
    path("favicon.ico", security_headers.favicon, name="favicon"),
    path("", include("bondwell.evidence.urls")),
    path("", include("bondwell.screening.urls")),
    path("", include("bondwell.programme.urls")),
    path("studies/", include("bondwell.studies.urls")),
    path("progress/", include("bondwell.progress.urls")),
    path("", include("bondwell.api.urls")),
    path("", include("bondwell.pathway.urls")),
]
