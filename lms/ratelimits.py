"""A budget of requests per client address, shared by several routes and counted in Flask-Limiter's storage.

Flask-Limiter's decorators work out on every request which limits apply to the view: its own, its
blueprint's, the application's, the exemptions of each, and the text of a configured limit parsed
again. For the public checks of a certificate that search cost 115 µs of a 670 µs answer (issue 24,
docs/performance-history.md), to find the same single limit every time. A ``SharedBudget`` knows its limit:
it reads the configured text, parsed once per distinct text, and counts the request with Flask-Limiter's
own strategy and storage (memory, or Redis across workers), under the key Flask-Limiter's
``shared_limit`` uses for the same scope. ``RATELIMIT_ENABLED`` switches it off, as it does the others.
"""

import logging
from collections.abc import Callable
from functools import lru_cache, wraps

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

logger = logging.getLogger(__name__)


@lru_cache(maxsize=32)
def _items(text: str) -> tuple[RateLimitItem, ...]:
    """``"120 per minute"`` (or several, separated by ``;``) as limits, sorted as Flask-Limiter sorts them."""
    return tuple(sorted(parse_many(text)))


class SharedBudget:
    """One limit per client address for every route it decorates (Flask-Limiter's ``shared_limit``)."""

    def __init__(self, limiter: Limiter, limit_of: Callable[[], str], scope: str) -> None:
        self.limiter = limiter
        self.limit_of = limit_of  # read on each request, so a changed configuration counts at once
        self.scope = scope

    def __call__(self, view):
        @wraps(view)
        def counted(*args, **kwargs):
            self.spend()
            return view(*args, **kwargs)
        return counted

    def spend(self) -> None:
        """Count this request; 429 Too Many Requests once this address has spent the budget."""
        if not self.limiter.enabled:
            return
        address = get_remote_address()
        for item in _items(self.limit_of()):
            if not self.limiter.limiter.hit(item, address, self.scope):
                # Without the address: the public checks keep no visitor's identity (docs/security.md).
                logger.info("rate limit %s exceeded on %s", item, self.scope)
                raise TooManyRequests()
