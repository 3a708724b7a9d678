"""The programme's rules, which every user's world applies.

The calendar of a cohort, what counts as complete, how a quiz is scored, who is on a roster, what a
certificate is and how it is issued and checked, accounts: the rules live here once, take plain
arguments (``now`` included) and never read the request. The worlds (``auth``, ``learn``,
``facilitate``, ``manage``, ``certificates``, ``verify``, ``reports``, ``surveys``, ``site``) import
this package, ``content`` and ``models``; they never import each other.
"""
