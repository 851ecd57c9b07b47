from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "bondwell.web"
    label = "web"
    verbose_name = "Web shell"
