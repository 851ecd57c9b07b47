"""REST under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs), FHIR R4 under /fhir/R4/, and the
page where a user manages her API tokens."""

from django.urls import path

from bondwell.api import views
from bondwell.api.fhir_api import fhir
from bondwell.api.rest import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("fhir/R4/", fhir.urls),
    path("account/api-tokens/", views.token_list, name="api-tokens"),
    path("account/api-tokens/<int:token_id>/revoke/", views.token_revoke, name="api-tokens-revoke"),
]
