"""Citizens' case records beside a conversation: viewed (and audited), filed or updated on their behalf.

An agent may open a record only when it is linked to a conversation they can
see; supervisors may open any. Every view is written to the audit log.
"""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app import crud
from app.api.deps import SessionDep
from app.console.access import ConversationHandler, Supervisor, can_see_conversation, sees_all_conversations
from app.console.routes.conversations import Reference, visible_handoff
from app.console.schemas import (
    ApplicationRecord,
    AuditEntryPublic,
    CaseEvent,
    CaseNumberIn,
    ServiceRequestOnBehalf,
    ServiceRequestRecord,
    ServiceRequestUpdateIn,
)
from app.handoff.models import Handoff
from app.identifiers import normalise_application_number, normalise_request_number
from app.lifecycle.service_requests import Step, record_step
from app.models import Application, ServiceRequest, utc_now
from app.schemas import ServiceRequestCreate
from app.staff import audit
from app.staff.models import StaffUser
from app.staff.service import get_staff_user
from app.statuses import (
    APPLICATION_STATUS_TEXT,
    SERVICE_REQUEST_STATUS_TEXT,
    ApplicationStatus,
    ServiceKind,
    ServiceRequestStatus,
    WorkOrderAction,
)

router = APIRouter(tags=["console: case records"])

_NOT_LINKED = "No such record among your conversations."


def _linked_to_visible_conversation(session: Session, user: StaffUser, number: str) -> bool:
    if sees_all_conversations(user):
        return True
    # Case numbers are a JSON list; the agent's own conversations are few, so they are checked here.
    mine = select(Handoff).where(or_(Handoff.team_id.in_(user.team_ids or {-1}), Handoff.assigned_agent_id == user.id))
    return any(
        number in (handoff.case_numbers or [])
        and can_see_conversation(user, team_id=handoff.team_id, agent_id=handoff.assigned_agent_id)
        for handoff in session.scalars(mine)
    )


@router.get(
    "/applications/{number}",
    summary="An application as staff see it (audited)",
    response_model=ApplicationRecord,
)
def view_application(
    number: Annotated[str, Path(max_length=32)], user: ConversationHandler, session: SessionDep
) -> ApplicationRecord:
    canonical = normalise_application_number(number)
    if canonical is None or not _linked_to_visible_conversation(session, user, canonical):
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_LINKED)
    application = session.scalar(
        select(Application)
        .options(joinedload(Application.citizen), joinedload(Application.service), selectinload(Application.events))
        .where(Application.application_number == canonical)
    )
    if application is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_LINKED)
    audit.record(
        session=session, staff_user=user, action="view_case_record", object_type="application", object_ref=canonical
    )
    session.commit()
    return ApplicationRecord(
        application_number=application.application_number,
        application_type_name=application.service.name,
        status=application.status,
        status_text=APPLICATION_STATUS_TEXT[ApplicationStatus(application.status)],
        submitted_at=application.submitted_at,
        applicant_name=application.citizen.full_name,
        applicant_date_of_birth=application.citizen.date_of_birth,
        applicant_phone=application.citizen.phone,
        events=[CaseEvent.model_validate(e, from_attributes=True) for e in application.events],
    )


def _request_record(request: ServiceRequest) -> ServiceRequestRecord:
    return ServiceRequestRecord(
        request_number=request.request_number,
        category=request.category.code,
        category_name=request.category.name,
        department_name=request.department.name,
        status=request.status,
        status_text=SERVICE_REQUEST_STATUS_TEXT[ServiceRequestStatus(request.status)],
        location=request.location,
        description=request.description,
        channel=request.channel,
        contact_phone=request.contact_phone,
        created_at=request.created_at,
        target_date=request.target_date,
        events=[CaseEvent.model_validate(e, from_attributes=True) for e in request.events],
    )


def _visible_request(session: Session, user: StaffUser, number: str) -> ServiceRequest:
    canonical = normalise_request_number(number)
    if canonical is None or not _linked_to_visible_conversation(session, user, canonical):
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_LINKED)
    request = crud.get_service_request(session=session, request_number=canonical)
    if request is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_LINKED)
    return request


@router.get(
    "/service-requests/{number}",
    summary="A service request as staff see it (audited)",
    response_model=ServiceRequestRecord,
)
def view_service_request(
    number: Annotated[str, Path(max_length=32)], user: ConversationHandler, session: SessionDep
) -> ServiceRequestRecord:
    request = _visible_request(session, user, number)
    audit.record(
        session=session,
        staff_user=user,
        action="view_case_record",
        object_type="service_request",
        object_ref=request.request_number,
    )
    session.commit()
    return _request_record(request)


@router.post(
    "/service-requests/{number}/updates",
    summary="Add what the citizen told the agent to a request",
    status_code=status.HTTP_201_CREATED,
    response_model=ServiceRequestRecord,
)
def update_service_request(
    number: Annotated[str, Path(max_length=32)],
    body: ServiceRequestUpdateIn,
    user: ConversationHandler,
    session: SessionDep,
) -> ServiceRequestRecord:
    request = _visible_request(session, user, number)
    # A progress step that leaves the status as it is: the department sees the new information.
    record_step(
        request,
        Step(
            WorkOrderAction.PROGRESS,
            ServiceRequestStatus(request.status),
            "We added information you gave us to your report.",
            user.username,
            internal_note=f"From the citizen, via {user.display_name}: {body.information}",
        ),
        now=utc_now(),
    )
    audit.record(
        session=session,
        staff_user=user,
        action="update_case_record",
        object_type="service_request",
        object_ref=request.request_number,
    )
    session.commit()
    return _request_record(request)


@router.post(
    "/conversations/{reference}/case-numbers",
    summary="Link an application or request number the citizen gave",
    response_model=list[str],
)
def link_case_number(
    reference: Reference, body: CaseNumberIn, user: ConversationHandler, session: SessionDep
) -> list[str]:
    handoff = visible_handoff(session, user, reference)
    number = normalise_application_number(body.number) or normalise_request_number(body.number)
    if number is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "Give a number like APP-204817 or SR-100231.")
    handoff.case_numbers = list(dict.fromkeys([*(handoff.case_numbers or []), number]))
    audit.record(
        session=session,
        staff_user=user,
        action="link_case_record",
        object_type="handoff",
        object_ref=reference,
        detail={"number": number},
    )
    session.commit()
    return handoff.case_numbers


@router.post(
    "/conversations/{reference}/service-requests",
    summary="File a service request on the citizen's behalf",
    status_code=status.HTTP_201_CREATED,
    response_model=ServiceRequestRecord,
)
def file_on_behalf(
    reference: Reference, body: ServiceRequestOnBehalf, user: ConversationHandler, session: SessionDep
) -> ServiceRequestRecord:
    handoff = visible_handoff(session, user, reference)
    category = crud.get_service_by_code(session=session, code=body.category, kind=ServiceKind.SERVICE_REQUEST)
    if category is None:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "Unknown category.")
    request = crud.create_service_request(
        session=session,
        request_in=ServiceRequestCreate(
            category=category.code,
            location=body.location,
            description=body.description,
            channel=handoff.channel,
            conversation_id=handoff.conversation_id,
        ),
        category=category,
        actor=user.username,
        now=utc_now(),
    )
    handoff.case_numbers = list(dict.fromkeys([*(handoff.case_numbers or []), request.request_number]))
    audit.record(
        session=session,
        staff_user=user,
        action="file_case_record",
        object_type="service_request",
        object_ref=request.request_number,
        detail={"handoff": reference},
    )
    session.commit()
    return _request_record(crud.get_service_request(session=session, request_number=request.request_number))  # type: ignore[arg-type]


@router.get(
    "/audit-log",
    summary="The audit log (supervisors and admins)",
    response_model=list[AuditEntryPublic],
)
def audit_log(
    user: Supervisor, session: SessionDep, object_ref: str | None = None, username: str | None = None
) -> list[AuditEntryPublic]:
    staff_id = None
    if username:
        staff = get_staff_user(session=session, username=username)
        staff_id = staff.id if staff else -1
    return [
        AuditEntryPublic.model_validate(entry, from_attributes=True)
        for entry in audit.entries(session=session, object_ref=object_ref, staff_user_id=staff_id)
    ]
