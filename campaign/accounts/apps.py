from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "campaign.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from campaign.accounts.roles import roles_sync

        # Permissions only exist once every app has migrated, hence post_migrate.
        post_migrate.connect(roles_sync, dispatch_uid="campaign.accounts.roles_sync")
