from django.urls import path

from bondwell.studies.views import enrolment, results, setup

P = "<int:study_id>/participants/<int:participant_id>/"

urlpatterns = [
    path("", setup.study_list, name="study-list"),
    path("new/", setup.study_new, name="study-new"),
    path("sample-size/", results.study_sample_size, name="study-sample-size"),
    path("<int:study_id>/", setup.study_detail, name="study-detail"),
    path("<int:study_id>/edit/", setup.study_edit, name="study-edit"),
    path("<int:study_id>/status/", setup.study_status, name="study-status"),
    path("<int:study_id>/members/", setup.study_members, name="study-members"),
    path("<int:study_id>/enrol/", enrolment.study_enrol, name="study-enrol"),
    path("<int:study_id>/screen/<int:mother_id>/", enrolment.study_screen, name="study-screen"),
    path("<int:study_id>/screening/<int:entry_id>/consent/", enrolment.study_consent, name="study-consent"),
    path("<int:study_id>/screening-log/", enrolment.study_screening_log, name="study-screening-log"),
    path("<int:study_id>/participants/", enrolment.study_participants, name="study-participants"),
    path(P, enrolment.study_participant, name="study-participant"),
    path(P + "randomise/", enrolment.study_randomise, name="study-randomise"),
    path(P + "withdraw/", enrolment.study_withdraw, name="study-withdraw"),
    path(P + "update/", enrolment.study_participant_update, name="study-participant-update"),
    path("<int:study_id>/follow-up/", results.study_followup, name="study-followup"),
    path("<int:study_id>/analysis/", results.study_analysis, name="study-analysis"),
    path("<int:study_id>/report.pdf", results.study_report_pdf, name="study-report-pdf"),
    path("<int:study_id>/dmc-report.pdf", results.study_dmc_report, name="study-dmc-report"),
    path("<int:study_id>/lock/", results.study_lock, name="study-lock"),
    path("<int:study_id>/consort.<str:fmt>", results.study_consort, name="study-consort"),
    path("<int:study_id>/export/<str:fmt>/", results.study_export, name="study-export"),
]
