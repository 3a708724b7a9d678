"""Pages that belong to no one role: health check, language switch."""
