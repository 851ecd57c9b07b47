from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bondwell.accounts"
    label = "accounts"
    verbose_name = "Accounts, sites and access audit"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from bondwell.accounts import audit_chain

        # Each PostgreSQL connection leases its audit lane as it opens (bondwell.accounts.audit_chain).
        connection_created.connect(audit_chain.on_connection_created, dispatch_uid="bondwell-audit-lane")
