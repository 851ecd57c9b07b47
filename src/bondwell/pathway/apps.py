from django.apps import AppConfig


class PathwayConfig(AppConfig):
    name = "bondwell.pathway"
    label = "pathway"
    verbose_name = "Follow-up pathway"
