from celery import shared_task

from campaign.privacy import services


@shared_task(ignore_result=True)
def access_requests_purge_task() -> None:
    services.access_requests_purge()
