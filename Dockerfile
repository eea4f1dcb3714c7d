# The site's image: one image, four processes (deploy/docker-entrypoint.sh: web by
# default, worker, beat, release). compose.yaml runs them with nginx, PostgreSQL 16
# and Redis; docs/operations.md says how.
#
#   docker build -t campaign .
#   docker run --env-file .env campaign release
#   docker run --env-file .env campaign          # gunicorn on :8000
ARG PYTHON_IMAGE=python:3.12-slim-bookworm

# --- Build: the locked requirements, psycopg2 compiled against Debian's libpq ---------
FROM ${PYTHON_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /venv
COPY requirements.lock /tmp/requirements.lock
# Every file checked against the lock's hashes; psycopg2 builds from its source.
RUN /venv/bin/pip install --no-cache-dir --require-hashes -r /tmp/requirements.lock

# --- Run: the venv, the code, the collected static files; no compiler ---------------
FROM ${PYTHON_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 campaign \
    && useradd --system --uid 10001 --gid campaign --home-dir /app --shell /usr/sbin/nologin campaign
COPY --from=build /venv /venv
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORT=8000
WORKDIR /app
COPY . /app
# Static files collected at build, with debug off (hashed names and their manifest, as
# production serves them). The settings need their production variables to load: these
# are throwaway values for this one command, none of them kept in the image, and
# collectstatic connects to nothing.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    SITE_URL=https://build.invalid \
    DATABASE_URL=postgres://build@build.invalid/build \
    CELERY_BROKER_URL=redis://build.invalid:6379/0 \
    CACHE_URL=redis://build.invalid:6379/1 \
    EMAIL_HOST=build.invalid \
    python manage.py collectstatic --no-input --verbosity 0 \
    && python -m compileall -q /app/campaign \
    && chown -R campaign:campaign /app/var
# The code stays root's and read-only; var/ is the app's (beat's schedule).
USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]
CMD ["web"]
