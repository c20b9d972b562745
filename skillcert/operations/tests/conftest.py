"""The browser fixtures for this folder's journeys (see browser.py)."""

from skillcert.operations.tests.browser import browser, open_page, screenshots

__all__ = ["browser", "open_page", "screenshots"]
