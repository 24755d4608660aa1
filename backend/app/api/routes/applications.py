"""Application status lookups for citizens who prove who they are."""

from fastapi import APIRouter, HTTPException, status

from app import crud
from app.api.deps import SessionDep
from app.schemas import ApplicationStatusLookup, ApplicationStatusPublic, ErrorMessage
from app.statuses import APPLICATION_NEXT_STEP, APPLICATION_STATUS_TEXT, ApplicationStatus

router = APIRouter(prefix="/applications", tags=["applications"])

NO_MATCH = "No application matches those details."


@router.post(
    "/status-lookup",
    summary="Look up an application's status with a date of birth, receipt PIN or the applicant's phone",
    description=(
        "Gives the status of an application to whoever proves they are the applicant. "
        "An unknown number and a wrong proof get the same 404 body, after the same "
        "amount of work, so the answer never tells which numbers exist."
    ),
    response_model=ApplicationStatusPublic,
    responses={404: {"model": ErrorMessage, "description": "Unknown number or wrong proof."}},
)
def lookup_application_status(lookup: ApplicationStatusLookup, session: SessionDep) -> ApplicationStatusPublic:
    application = crud.find_application_for_proof(
        session=session,
        application_number=lookup.application_number,
        date_of_birth=lookup.date_of_birth,
        pin=lookup.pin,
        phone=lookup.phone,
    )
    if application is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail=NO_MATCH)
    application_status = ApplicationStatus(application.status)
    last_event = application.events[-1]
    return ApplicationStatusPublic(
        application_number=application.application_number,
        application_type=application.service.code,
        application_type_name=application.service.name,
        status=application_status.value,
        status_text=APPLICATION_STATUS_TEXT[application_status],
        last_step=last_event.step_text,
        last_step_at=last_event.occurred_at,
        next_step=APPLICATION_NEXT_STEP[application_status],
    )
