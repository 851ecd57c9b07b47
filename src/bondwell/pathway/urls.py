from django.urls import path

from bondwell.pathway import views

urlpatterns = [
    path("follow-ups/", views.worklist, name="pathway-worklist"),
    path("follow-ups/<int:follow_up_id>/", views.follow_up, name="pathway-follow-up"),
    path("follow-ups/mothers/<int:mother_id>/", views.mother_pathway, name="pathway-mother"),
]
