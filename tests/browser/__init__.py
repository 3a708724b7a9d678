"""Browser tests (Playwright, system Chromium).

This file makes ``tests/browser`` a package, so that its conftest is imported as
``browser.conftest`` and does not take the place of ``tests/conftest.py`` in
``sys.modules["conftest"]`` (the fixtures every test shares).
"""
