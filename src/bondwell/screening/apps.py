from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "bondwell.screening"
    label = "screening"
    verbose_name = "Screening, risk alerts and notifications"
