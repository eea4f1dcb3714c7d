from celery import shared_task

from campaign.updates import services


@shared_task(ignore_result=True)
def update_deliver_task(update_id: int) -> None:
    services.update_deliver(update_id=update_id)


@shared_task(ignore_result=True)
def updates_deliver_task() -> None:
    services.update_deliver()
