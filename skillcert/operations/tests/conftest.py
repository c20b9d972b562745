"""The browser fixtures for this folder's journeys (see browser.py)."""

from skillcert.operations.tests.browser import browser, live_server, open_page, screenshots

__all__ = ["browser", "live_server", "open_page", "screenshots"]
