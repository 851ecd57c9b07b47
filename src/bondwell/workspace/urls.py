from django.urls import path

from bondwell.workspace import views

urlpatterns = [
    path("mothers/", views.mother_list, name="mother-list"),
    path("mothers/<int:mother_id>/", views.mother_record, name="mother-record"),
    path("mothers/<int:mother_id>/concern/", views.concern_new, name="workspace-concern-new"),
    path("concerns/<int:concern_id>/", views.concern_detail, name="workspace-concern"),
]
