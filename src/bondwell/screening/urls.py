from django.urls import path

from bondwell.screening import clinic_views, mother_views

urlpatterns = [
    path("questionnaires/", mother_views.my_questionnaires, name="screening-my"),
    path("questionnaires/start/<str:instrument>/", mother_views.start, name="screening-start"),
    path("questionnaires/answer/<int:draft_id>/", mother_views.answer, name="screening-answer"),
    path("questionnaires/answer/<int:draft_id>/support/", mother_views.support, name="screening-support"),
    path("questionnaires/result/<int:assessment_id>/", mother_views.result, name="screening-result"),
    path("alerts/", clinic_views.queue, name="screening-queue"),
    path("alerts/response/", clinic_views.dashboard, name="screening-dashboard"),
    path("alerts/<int:alert_id>/", clinic_views.alert_detail, name="screening-alert"),
    path("screening/overdue/", clinic_views.overdue, name="screening-overdue"),
    path("screening/settings/", clinic_views.site_settings, name="screening-settings"),
    path("screening/mothers/<int:mother_id>/", clinic_views.mother_screening, name="screening-mother"),
    path(
        "screening/mothers/<int:mother_id>/paper/<str:instrument>/", clinic_views.paper, name="screening-paper"
    ),
    # Posted from her progress page; the address is the one it had when progress owned it.
    path("progress/mothers/<int:mother_id>/schedule-pbq/", clinic_views.schedule_pbq, name="screening-schedule-pbq"),
    path("screening/assessments/<int:assessment_id>/", clinic_views.report, name="screening-report"),
    path("screening/assessments/<int:assessment_id>/pdf/", clinic_views.report_pdf, name="screening-pdf"),
    path("screening/assessments/<int:assessment_id>/fix/", clinic_views.correct, name="screening-correct"),
]
