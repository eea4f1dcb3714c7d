from celery import shared_task

from campaign.core import liveness, outbox


@shared_task(bind=True, max_retries=None, ignore_result=True)
def outbox_send_task(self, message_id: int) -> None:
    try:
        outbox.outbox_send(message_id=message_id)
    except outbox.MailDeferred as deferred:
        # If this retry cannot be queued, the sweep picks the message up when due.
        raise self.retry(countdown=deferred.retry_in.total_seconds()) from None


@shared_task(ignore_result=True)
def outbox_drain_task() -> None:
    outbox.outbox_drain()


@shared_task(ignore_result=True)
def outbox_sweep_task() -> None:
    outbox.outbox_sweep()


@shared_task(bind=True, ignore_result=True)
def worker_canary_task(self) -> None:
    liveness.worker_canary_record(hostname=self.request.hostname)
