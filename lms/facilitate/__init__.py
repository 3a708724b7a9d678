"""The facilitator's world: cohorts, session guides, attendance, grading."""
