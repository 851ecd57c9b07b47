from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "bondwell.notify"
    label = "notify"
    verbose_name = "Messages, on-call routing and health"

    def ready(self) -> None:
        import bondwell.notify.checks  # noqa: F401  (registers the deployment checks)
