"""Where a trainee stands against the certificate's requirements, in numbers he can act on.

The rule itself lives in lms.core.progress; this only counts against it: weeks complete out of twelve,
workshops attended (present or late) out of the share the course requires, and the two surveys.
"""

import math
from dataclasses import dataclass

from lms.content.model import Course
from lms.core.progress import CourseProgress, Task
from lms.models import AttendanceStatus


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str      # "weeks", "workshops" or "surveys"
    done: int
    needed: int
    out_of: int   # the whole from which ``needed`` is taken (12 weeks; the workshops that count)

    @property
    def is_met(self) -> bool:
        return self.done >= self.needed


def requirements(progress: CourseProgress, course: Course) -> list[Requirement]:
    """The certificate's requirements, each with his progress against it."""
    counted = [w for w in progress.weeks if w.attendance_counts]
    attended = sum(w.attendance in (AttendanceStatus.PRESENT, AttendanceStatus.LATE) for w in counted)
    result = [
        Requirement("weeks", progress.weeks_complete, len(progress.weeks), len(progress.weeks)),
        Requirement("workshops", attended, math.ceil(len(counted) * progress.min_attendance / 100), len(counted)),
    ]
    if course.surveys_required and course.surveys:
        pending = sum(Task.SURVEY in w.remaining for w in progress.weeks)
        result.append(Requirement("surveys", 2 - pending, 2, 2))
    return result


def weeks_left(progress: CourseProgress) -> list[tuple[int, tuple[Task, ...], bool]]:
    """Each week not yet complete: (number, what is left, whether it is open)."""
    return [(w.week, w.remaining, w.is_open) for w in progress.weeks if not w.is_complete]
