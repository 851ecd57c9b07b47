from django.urls import path

from bondwell.evidence import views

urlpatterns = [
    path("evidence/", views.evidence_page, name="evidence"),
    path("evidence/add/", views.study_add, name="evidence-add"),
    path("evidence/upload/", views.study_upload, name="evidence-upload"),
    path("evidence/<slug:key>/remove/", views.study_remove, name="evidence-remove"),
    path("evidence/template.csv", views.study_csv_template, name="evidence-template"),
]
