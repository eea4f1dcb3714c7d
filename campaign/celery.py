import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger, task_postrun, task_prerun

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


_task_id_tokens: dict = {}


@task_prerun.connect
def task_id_set(task_id=None, **kwargs) -> None:
    """Every line logged while a task runs carries its id (campaign.core.logs)."""
    from campaign.core.logs import task_id as current_task_id

    _task_id_tokens[task_id] = current_task_id.set(task_id)


@task_postrun.connect
def task_id_reset(task_id=None, **kwargs) -> None:
    from campaign.core.logs import task_id as current_task_id

    token = _task_id_tokens.pop(task_id, None)
    if token is not None:
        current_task_id.reset(token)


@after_setup_logger.connect
@after_setup_task_logger.connect
def log_format_apply(logger=None, **kwargs) -> None:
    """The worker and beat replace the root logger's handlers with their own: give
    those the site's format (DJANGO_LOG_FORMAT) and ids, as the web's have."""
    from django.conf import settings

    from campaign.core.logs import JsonFormatter, RequestContext

    for handler in logger.handlers:
        handler.addFilter(RequestContext())
        if settings.LOG_FORMAT == "json":
            handler.setFormatter(JsonFormatter())
