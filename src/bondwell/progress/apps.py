from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "bondwell.progress"
    label = "progress"
    verbose_name = "Progress"
    default_auto_field = "django.db.models.BigAutoField"
