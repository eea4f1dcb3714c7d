from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpdatesConfig(AppConfig):
    name = "campaign.updates"
    label = "updates"
    verbose_name = _("Updates to supporters")

    def ready(self) -> None:
        from campaign.core import mail
        from campaign.updates import mails, services

        mail.register(
            services.MAIL_UPDATE,
            mails.build_update,
            services.recipient_mail_refused,
            build_many=mails.build_update_many,
        )
        mail.register(services.MAIL_TEST, mails.build_test)
