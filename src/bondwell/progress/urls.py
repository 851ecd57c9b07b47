from django.urls import path

from bondwell.progress import views

urlpatterns = [
    path("mine/", views.my_progress, name="progress-mine"),
    path("mine/summary/", views.my_summary, name="progress-summary"),
    path("mothers/<int:mother_id>/", views.mother_progress, name="progress-mother"),
    path("mothers/<int:mother_id>/export.csv", views.mother_export, name="progress-export"),
    path("dashboard/", views.dashboard_view, name="progress-dashboard"),
    path("dashboard/chart.svg", views.dashboard_chart, name="progress-dashboard-chart"),
]
