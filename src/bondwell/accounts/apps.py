from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bondwell.accounts"
    label = "accounts"
    verbose_name = "Accounts, sites and access audit"
