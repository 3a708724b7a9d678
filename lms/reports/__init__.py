"""The impact report: what changed between the start and the end of the course."""
