"""Accounts: logging in and out, joining a cohort, passwords."""
