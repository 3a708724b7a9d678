"""The database models, one module per aggregate; importing this package registers every table."""

from lms.models.audit import AuditEvent
from lms.models.certificates import Certificate, CertificateStatus, RevocationReason, VerificationCheck
from lms.models.cohorts import Cohort, Enrollment, cohort_facilitators
from lms.models.progress import (
                                 ATTENDED,
                                 AttemptStatus,
                                 Attendance,
                                 AttendanceStatus,
                                 CohortWeek,
                                 LessonView,
                                 QuizAttempt,
                                 Reflection,
                                 ReflectionStatus,
                                 ReflectionVersion,
                                 TraineeNote,
)
from lms.models.surveys import SurveyResponse
from lms.models.users import PasswordReset, Role, User
from lms.models.workshops import CalendarFeed, Workshop

__all__ = [
    "ATTENDED", "Attendance", "AttendanceStatus", "AttemptStatus", "AuditEvent", "Certificate", "CertificateStatus",
    "Cohort", "CohortWeek", "RevocationReason", "VerificationCheck",
    "Enrollment", "LessonView", "PasswordReset", "QuizAttempt", "Reflection", "ReflectionStatus",
    "ReflectionVersion", "Role", "SurveyResponse", "TraineeNote", "User", "cohort_facilitators",
    "CalendarFeed", "Workshop",
]
