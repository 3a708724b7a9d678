"""The database models, one module per aggregate; importing this package registers every table."""

from lms.models.audit import AuditEvent
from lms.models.certificates import (
    CERTIFICATE_IS_VALID,
    Certificate,
    CertificateStatus,
    RevocationReason,
    VerificationCheck,
)
from lms.models.cohorts import Cohort, Enrollment, cohort_facilitators
from lms.models.network import (  # noqa: E501
                                 AGE_BANDS,
                                 PARTNERS,
                                 REFERRAL_SERVICES,
                                 SEXES,
                                 ActivityReport,
                                 ActivityType,
                                 MemberPreference,
                                 Network,
                                 Plan,
                                 PlannedActivity,
                                 PlanStatus,
                                 ReportStatus,
                                 Sector,
                                 planned_activity_promoters,
)
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
from lms.models.safeguarding import (  # noqa: E501
                                 Concern,
                                 ConcernCategory,
                                 ConcernDecision,
                                 ConductAcceptance,
                                 Recommendation,
                                 RecommendationDecision,
)
from lms.models.surveys import SurveyResponse
from lms.models.users import LoginFailure, LoginSession, PasswordReset, Role, User
from lms.models.workshops import CalendarFeed, Workshop

__all__ = [
    "ATTENDED", "Attendance", "AttendanceStatus", "AttemptStatus", "AuditEvent",
    "CERTIFICATE_IS_VALID", "Certificate", "CertificateStatus",
    "Cohort", "CohortWeek", "RevocationReason", "VerificationCheck",
    "Enrollment", "LessonView", "LoginFailure", "LoginSession", "PasswordReset", "QuizAttempt", "Reflection",
    "ReflectionStatus", "ReflectionVersion", "Role", "Concern", "ConcernCategory", "ConcernDecision",
    "ConductAcceptance", "Recommendation", "RecommendationDecision", "SurveyResponse", "TraineeNote", "User",
    "cohort_facilitators",
    "AGE_BANDS", "PARTNERS", "REFERRAL_SERVICES", "SEXES", "ActivityReport", "ActivityType", "MemberPreference", "Network", "Plan", "PlannedActivity", "PlanStatus", "ReportStatus", "Sector", "planned_activity_promoters",  # noqa: E501
    "CalendarFeed", "Workshop",
]
