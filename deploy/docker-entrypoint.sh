#!/bin/sh
# The image's processes, one per container: `web` (the default), `worker`, `beat`, or
# `release` (migrate, collect static files; run it once per deploy, before the others).
# Anything else runs as given: `docker compose run web python manage.py shell`.
# The same commands as the Procfile and deploy/systemd.
set -eu

case "${1:-web}" in
    web)
        # Inside the container's own network only: compose publishes nginx's port,
        # never this one (whoever reaches gunicorn directly can send any
        # X-Forwarded-For). /dev/shm: gunicorn's worker heartbeats, off the disk.
        exec gunicorn campaign.wsgi --workers "${WEB_CONCURRENCY:-3}" --timeout 120 \
            --bind "0.0.0.0:${PORT:-8000}" --worker-tmp-dir /dev/shm
        ;;
    worker)
        exec celery -A campaign worker --loglevel=INFO
        ;;
    beat)
        exec celery -A campaign beat --loglevel=INFO --schedule=/app/var/celerybeat-schedule
        ;;
    release)
        python manage.py migrate --no-input
        exec python manage.py collectstatic --no-input --verbosity 0
        ;;
    *)
        exec "$@"
        ;;
esac
