from django.urls import path

from bondwell.notify import views

urlpatterns = [
    path("ack/<str:token>/", views.acknowledge, name="notify-ack"),
    path("rota/", views.rota_page, name="notify-rota"),
    path("my-alert-contact/", views.contact, name="notify-contact"),
    path("undelivered/", views.undelivered, name="notify-undelivered"),
]
