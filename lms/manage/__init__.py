"""The coordinator's world: cohorts, calendars, accounts."""
