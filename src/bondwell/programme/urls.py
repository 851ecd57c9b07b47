from django.urls import path

from bondwell.programme import offline, views

urlpatterns = [
    path("programme/routine/", views.routine, name="programme-routine"),
    path("practice/", views.practice_home, name="programme-practice"),
    path("practice/guided/", views.guided, name="programme-guided"),
    path("practice/guided/save/", views.guided_save, name="programme-practice-save"),
    path("practice/guided/offline/", offline.guided_offline, name="programme-guided-offline"),
    path("practice/log/", offline.offline_log, name="programme-practice-log"),
    path("sw.js", offline.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline.manifest, name="web-manifest"),
    path("offline/", offline.offline, name="offline"),
    path("practice/new/", views.practice_new, name="programme-practice-new"),
    path("practice/reminders/", views.reminders, name="programme-reminders"),
    path("programme/courses/", views.courses, name="programme-courses"),
    path("programme/courses/new/", views.course_new, name="programme-course-new"),
    path("programme/courses/<int:course_id>/", views.course_detail, name="programme-course"),
    path("programme/classes/<int:session_id>/attendance/", views.attendance, name="programme-attendance"),
    path("programme/book/", views.book, name="programme-book"),
    path("programme/cancel/", views.cancel, name="programme-cancel"),
    path("programme/mothers/<int:mother_id>/", views.mother_practice, name="programme-mother-practice"),
    path("programme/mothers/<int:mother_id>/enrol/", views.enrol, name="programme-enrol"),
    path("programme/mothers/<int:mother_id>/dose/", views.dose, name="programme-dose"),
    # The class observation keeps the addresses it had when progress owned it (educators' bookmarks).
    path("progress/observe/", views.observe, name="programme-observe"),
    path("progress/observe/<int:session_id>/<int:mother_id>/", views.observe_mother, name="programme-observe-mother"),
]
