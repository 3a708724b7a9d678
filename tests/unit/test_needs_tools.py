"""Tests that drive a command-line tool skip where it is missing on a developer's machine, never in CI."""

import shutil

import pytest
from helpers import needs_tools


@pytest.fixture
def only_pdftoppm_installed(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda command: "/usr/bin/pdftoppm" if command == "pdftoppm" else None)


def test_a_missing_tool_skips_the_test_and_names_the_package_to_install(monkeypatch, only_pdftoppm_installed):
    monkeypatch.delenv("CI", raising=False)
    mark = needs_tools("pdftoppm", "zbarimg")
    assert mark.args[0] is True
    assert mark.kwargs["reason"] == "needs zbarimg (apt-get install zbar-tools)"


def test_in_ci_a_missing_tool_fails_the_test_instead_of_hiding_it(monkeypatch, only_pdftoppm_installed):
    monkeypatch.setenv("CI", "true")
    assert needs_tools("zbarimg").args[0] is False


def test_installed_tools_run_the_test(monkeypatch, only_pdftoppm_installed):
    monkeypatch.delenv("CI", raising=False)
    assert needs_tools("pdftoppm").args[0] is False
