from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "campaign.petitions"
    label = "petitions"
    verbose_name = _("Letters and signatures")

    def ready(self) -> None:
        from campaign.core import mail
        from campaign.petitions import mails, services

        mail.register(
            services.MAIL_CONFIRM,
            mails.build_confirm,
            services.signature_mail_refused,
            build_many=mails.build_confirm_many,
            on_sent=services.signatures_mailed,
        )
        mail.register(
            services.MAIL_ALREADY_SIGNED,
            mails.build_already_signed,
            services.signature_mail_refused,
            build_many=mails.build_already_signed_many,
            on_sent=services.signatures_mailed,
        )
        mail.register(services.MAIL_MILESTONE, mails.build_milestone)
