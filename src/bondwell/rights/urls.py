from django.urls import path

from bondwell.rights import views

urlpatterns = [
    path("me/data/", views.mine, name="rights-mine"),
    path("me/data/bondwell-data.json", views.mine_json, name="rights-mine-json"),
    path("me/data/bondwell-data.pdf", views.mine_pdf, name="rights-mine-pdf"),
    path("me/data/erasure/", views.ask_erasure, name="rights-ask-erasure"),
    path("erasure-requests/", views.requests, name="rights-requests"),
    path("mothers/<int:mother_id>/erase/", views.erase, name="rights-erase"),
]
