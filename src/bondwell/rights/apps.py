from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "bondwell.rights"
    label = "rights"
    verbose_name = "Data rights"
    default_auto_field = "django.db.models.BigAutoField"
