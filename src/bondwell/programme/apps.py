from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "bondwell.programme"
    label = "programme"
    verbose_name = "Infant-massage programme"
