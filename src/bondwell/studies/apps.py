from django.apps import AppConfig


class StudiesConfig(AppConfig):
    name = "bondwell.studies"
    label = "studies"
    verbose_name = "Studies: randomisation, follow-up, analysis and exports"
