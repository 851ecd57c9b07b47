from django.urls import path

from bondwell.progress import views

urlpatterns = [
    path("mine/", views.my_progress, name="progress-mine"),
    path("mine/summary/", views.my_summary, name="progress-summary"),
    path("mothers/<int:mother_id>/", views.mother_progress, name="progress-mother"),
    path("mothers/<int:mother_id>/schedule-pbq/", views.schedule_pbq, name="progress-schedule-pbq"),
    path("mothers/<int:mother_id>/export.csv", views.mother_export, name="progress-export"),
    path("observe/", views.observe, name="progress-observe"),
    path("observe/<int:session_id>/<int:mother_id>/", views.observe_mother, name="progress-observe-mother"),
    path("dashboard/", views.dashboard_view, name="progress-dashboard"),
    path("dashboard/chart.svg", views.dashboard_chart, name="progress-dashboard-chart"),
]
