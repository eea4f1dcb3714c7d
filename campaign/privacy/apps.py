from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "campaign.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from campaign.core import mail
        from campaign.privacy import mails, services

        mail.register(services.MAIL_ACCESS, mails.build_access)
