from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoalitionConfig(AppConfig):
    name = "campaign.coalition"
    label = "coalition"
    verbose_name = _("Coalition")

    def ready(self) -> None:
        from campaign.coalition import mails, services
        from campaign.core import mail

        mail.register(services.MAIL_CONFIRM, mails.build_confirm)
        mail.register(services.MAIL_DECISION, mails.build_decision)
        mail.register(services.MAIL_INVITATION, mails.build_invitation)
        mail.register(services.MAIL_ARRIVED, mails.build_arrived)
        mail.register(services.MAIL_NEW_VERSION, mails.build_new_version)
        mail.register(services.MAIL_QUESTION, mails.build_question)
