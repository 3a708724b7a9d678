"""Reminders without SMS: each person's private calendar feed of his workshops and week openings."""
