"""Enterprise self-evaluation pages: the scheme, the four dimensions, competitions and 直评."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
