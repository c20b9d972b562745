"""The floor for bench/load.py: a bare Django 5.2 project (the middleware `startproject` writes,
no database work) whose one view renders a 10-row template. Served by the same gunicorn
command line as `make run`, measured by the same wrk script as the product's paths, it is what
Django itself can serve on this machine; the product's figures are reported against it.

    gunicorn bench.floor_app:application --workers 2 --threads 4 ..."""

from __future__ import annotations

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

ROWS = [
    {"number": f"S{320100 + i:06d}{i:08d}", "name": f"持证人{i}", "level": 1 + i % 5}
    for i in range(10)
]

TEMPLATE = """<!doctype html>
<html lang="zh-hans"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><table>
{% for row in rows %}
<tr><td>{{ row.number }}</td><td>{{ row.name }}</td><td>{{ row.level }}</td></tr>
{% endfor %}</table></body></html>
"""


def rows_view(request: HttpRequest, token: str = "") -> HttpResponse:
    return render(request, "rows.html", {"title": "十行", "rows": ROWS})


urlpatterns = [path("", rows_view), path("v/<str:token>", rows_view)]

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-floor-not-a-secret",  # noqa: S106 - a throwaway loopback server
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
        ],
        # What `django-admin startproject` puts in a new project's settings.
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "loaders": [("django.template.loaders.locmem.Loader", {"rows.html": TEMPLATE})],
                    "context_processors": ["django.template.context_processors.request"],
                },
            }
        ],
        USE_TZ=True,
    )
    django.setup()

application = get_wsgi_application()
