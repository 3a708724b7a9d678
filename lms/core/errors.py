"""The one error a rule raises when it says no."""


class RuleError(ValueError):
    """A rule refused an action. ``message`` is for the person (a translatable string); ``field`` names
    the form field it belongs to, where there is one; ``missing`` lists what was left unanswered."""

    def __init__(self, message, field: str | None = None, missing: list[str] | tuple[str, ...] = ()):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.missing = list(missing)
