from celery import shared_task

from campaign.coalition import services


@shared_task(ignore_result=True)
def applications_purge_task() -> None:
    services.applications_purge()
