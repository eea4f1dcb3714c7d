import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign.settings")

app = Celery("campaign")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_database_connections(task=None, **kwargs) -> None:
    """Treat a task as Django treats a request: keep the connection while it is
    usable and younger than CONN_MAX_AGE (with its health check), close it otherwise.
    Celery's default, a new connection for every task, was a fifth of a mail's cost;
    CELERY_DB_REUSE_MAX in the settings turns that default off."""
    from django.db import close_old_connections

    if task is not None and getattr(task.request, "is_eager", False):
        return  # run inside the caller's request or transaction, which owns the connection
    close_old_connections()
