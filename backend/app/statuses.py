"""The statuses of applications and service requests, and what they mean to a citizen."""

from enum import StrEnum


class ServiceKind(StrEnum):
    APPLICATION = "application"
    SERVICE_REQUEST = "service_request"


# Request categories the hotline files for itself (a callback after a closed contact centre):
# work for staff, not something citizens or Open311 clients report, list or look up there.
INTERNAL_CATEGORIES = frozenset({"callback"})


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    AWAITING_DOCUMENTS = "awaiting_documents"
    APPROVED = "approved"
    REJECTED = "rejected"
    ISSUED = "issued"
    WITHDRAWN = "withdrawn"


class ServiceRequestStatus(StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"


class WorkOrderAction(StrEnum):
    """What happened to a service request in one recorded step of its history."""

    FILED = "filed"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    REASSIGNED = "reassigned"
    PROGRESS = "progress"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    CLOSED = "closed"
    ESCALATED = "escalated"


class Open311ServiceType(StrEnum):
    """GeoReport v2 `type`: whether a new request gets its number at once or a token first."""

    REALTIME = "realtime"
    BATCH = "batch"


class AttributeDatatype(StrEnum):
    """GeoReport v2 datatypes of a service definition's attributes."""

    STRING = "string"
    NUMBER = "number"
    DATETIME = "datetime"
    TEXT = "text"
    SINGLEVALUELIST = "singlevaluelist"
    MULTIVALUELIST = "multivaluelist"


class NotificationAudience(StrEnum):
    """Who a back-office notification is for (citizens hear through their own channel)."""

    DEPARTMENT = "department"
    SUPERVISORS = "supervisors"


class HandoffStatus(StrEnum):
    WAITING = "waiting"  # in its team's queue
    ASSIGNED = "assigned"  # an agent is talking with the citizen
    RETURNED = "returned"  # handed back to the assistant
    CLOSED = "closed"  # ended by the agent with a wrap-up code


class WrapUpCode(StrEnum):
    """How a handed-off conversation ended, chosen by the agent when closing it."""

    RESOLVED = "resolved"
    INFORMATION_GIVEN = "information_given"
    REQUEST_FILED = "request_filed"
    REFERRED_ELSEWHERE = "referred_elsewhere"
    CITIZEN_LEFT = "citizen_left"
    ABUSIVE = "abusive"


WRAP_UP_TEXT: dict[WrapUpCode, str] = {
    WrapUpCode.RESOLVED: "Resolved",
    WrapUpCode.INFORMATION_GIVEN: "Information given",
    WrapUpCode.REQUEST_FILED: "Service request filed or updated",
    WrapUpCode.REFERRED_ELSEWHERE: "Referred to another organisation",
    WrapUpCode.CITIZEN_LEFT: "Citizen left the conversation",
    WrapUpCode.ABUSIVE: "Ended: abusive conversation",
}


APPLICATION_STATUS_TEXT: dict[ApplicationStatus, str] = {
    ApplicationStatus.SUBMITTED: "Submitted",
    ApplicationStatus.UNDER_REVIEW: "Under review",
    ApplicationStatus.AWAITING_DOCUMENTS: "Waiting for documents from you",
    ApplicationStatus.APPROVED: "Approved",
    ApplicationStatus.REJECTED: "Not approved",
    ApplicationStatus.ISSUED: "Issued",
    ApplicationStatus.WITHDRAWN: "Withdrawn",
}

APPLICATION_NEXT_STEP: dict[ApplicationStatus, str] = {
    ApplicationStatus.SUBMITTED: (
        "A caseworker will be assigned and will start the review, usually within 5 working days."
    ),
    ApplicationStatus.UNDER_REVIEW: (
        "A caseworker is checking your application. We will contact you if anything is missing."
    ),
    ApplicationStatus.AWAITING_DOCUMENTS: (
        "Please send the documents listed in our letter within 30 days, online or at the "
        "citizen service centre. The review continues once they arrive."
    ),
    ApplicationStatus.APPROVED: ("Your decision letter is on its way. We will tell you when the document is ready."),
    ApplicationStatus.REJECTED: (
        "The decision letter explains the reasons. You can appeal within 30 days of its date."
    ),
    ApplicationStatus.ISSUED: "Nothing more is needed from you.",
    ApplicationStatus.WITHDRAWN: "Nothing more is needed from you. You can apply again at any time.",
}

SERVICE_REQUEST_STATUS_TEXT: dict[ServiceRequestStatus, str] = {
    ServiceRequestStatus.RECEIVED: "Received",
    ServiceRequestStatus.DISPATCHED: "Passed to the department responsible",
    ServiceRequestStatus.ACCEPTED: "Accepted by the department",
    ServiceRequestStatus.IN_PROGRESS: "Work in progress",
    ServiceRequestStatus.RESOLVED: "Resolved",
    ServiceRequestStatus.CLOSED: "Closed",
    ServiceRequestStatus.REJECTED: "Not taken forward",
}

# Requests still waiting for, or under, a department's work; the rest are finished.
OPEN_SERVICE_REQUEST_STATUSES = frozenset(
    {
        ServiceRequestStatus.RECEIVED,
        ServiceRequestStatus.DISPATCHED,
        ServiceRequestStatus.ACCEPTED,
        ServiceRequestStatus.IN_PROGRESS,
    }
)
CLOSED_SERVICE_REQUEST_STATUSES = frozenset(set(ServiceRequestStatus) - OPEN_SERVICE_REQUEST_STATUSES)
