# One image for web, worker and beat (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# Pango for WeasyPrint, Noto CJK fonts for Chinese PDFs, Noto Sans/Naskh Arabic (fonts-noto-core) for Kazakh and
# Uyghur pages and PDFs, gettext for compilemessages, libpq for psycopg2,
# postgresql-client for `manage.py backup` and `restore` (pg_dump, pg_restore).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk fonts-noto-core gettext libpq5 libpq-dev gcc postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml requirements.lock ./
COPY portal/__init__.py portal/__init__.py
RUN mkdir -p registry subsidies && touch registry/__init__.py subsidies/__init__.py \
 && pip install -c requirements.lock .
COPY . .
RUN pip install --no-deps -e . \
 && DEBUG=1 python manage.py build_pdf_fonts \
 && cp /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf /usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf static/fonts/ \
 && DEBUG=1 python manage.py collectstatic --noinput -v0 \
 && mkdir -p /app/media /app/private /app/backups && useradd --system --home /app portal \
 && chown -R portal /app/media /app/private /app/backups
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60"]
