from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "bondwell.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from bondwell.web.site_clock import remember_site_zone

        user_logged_in.connect(remember_site_zone, dispatch_uid="bondwell-site-zone")
