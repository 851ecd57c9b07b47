from typing import Any

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "bondwell.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_save

        from bondwell.accounts.models import Site
        from bondwell.web.site_clock import forget_site_zone

        def site_saved(sender: Any, instance: Site, **kwargs: Any) -> None:
            # After the commit: forgotten sooner, a request could read the old zone again and keep it a minute.
            transaction.on_commit(lambda: forget_site_zone(instance.pk))

        post_save.connect(site_saved, sender=Site, dispatch_uid="bondwell-site-zone", weak=False)
