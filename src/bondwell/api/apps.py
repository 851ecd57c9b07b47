from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bondwell.api"
    label = "api"
    verbose_name = "API and interoperability"
