"""REST under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs) and FHIR R4 under /fhir/R4/."""

from django.urls import path

from bondwell.api.fhir_api import fhir
from bondwell.api.rest import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("fhir/R4/", fhir.urls),
]
