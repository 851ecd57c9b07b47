from django.urls import path

from bondwell.evidence import views

urlpatterns = [
    path("evidence/", views.evidence_page, name="evidence"),
    path("evidence/versions/", views.versions_page, name="evidence-versions"),
    path("evidence/versions/<int:number>/", views.version_page, name="evidence-version"),
    path("evidence/versions/<int:number>/<str:name>", views.version_download, name="evidence-download"),
    path("evidence/template.csv", views.csv_template, name="evidence-template"),
    path("evidence/review/", views.workspace, name="evidence-review"),
    path("evidence/review/import/", views.import_records, name="evidence-import"),
    path("evidence/review/screen/<str:stage>/", views.screen, name="evidence-screen"),
    path("evidence/review/records/<int:pk>/decide/<str:stage>/", views.decide, name="evidence-decide"),
    path("evidence/review/conflicts/", views.conflicts, name="evidence-conflicts"),
    path("evidence/review/records/<int:pk>/resolve/<str:stage>/", views.resolve, name="evidence-resolve"),
    path("evidence/review/records/<int:pk>/extract/", views.extract, name="evidence-extract"),
    path("evidence/review/records/<int:pk>/agree/", views.agree, name="evidence-agree"),
    path("evidence/review/records/<int:pk>/rob/", views.risk_of_bias, name="evidence-rob"),
    path("evidence/review/site-study/", views.add_site_study, name="evidence-add-site-study"),
    path("evidence/review/publish/", views.publish, name="evidence-publish"),
    path("evidence/review/prisma.svg", views.draft_prisma, name="evidence-draft-prisma"),
]
