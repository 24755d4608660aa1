"""Application status lookups for citizens who prove who they are."""

import logging
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, status

from app import crud
from app.api.deps import SessionDep
from app.identifiers import normalise_application_number
from app.lifecycle import applications as flow
from app.models import utc_now
from app.schemas import (
    ApplicationStatusChange,
    ApplicationStatusChanged,
    ApplicationStatusLookup,
    ApplicationStatusPublic,
    ApplicationUpdatesChoice,
    ApplicationUpdatesChosen,
    ErrorMessage,
)
from app.security.throttle import IDENTITY_CHECKS, IDENTITY_CHECKS_PER_APPLICATION, get_throttle
from app.statuses import APPLICATION_NEXT_STEP, APPLICATION_STATUS_TEXT, ApplicationStatus

router = APIRouter(prefix="/applications", tags=["applications"])
logger = logging.getLogger(__name__)

NO_MATCH = "No application matches those details."
TOO_MANY_CHECKS = "Too many failed checks. Try again in 15 minutes."


@router.post(
    "/status-lookup",
    summary="Look up an application's status with a date of birth, receipt PIN or the applicant's phone",
    description=(
        "Gives the status of an application to whoever proves they are the applicant. "
        "An unknown number and a wrong proof get the same 404 body, after the same "
        "amount of work, so the answer never tells which numbers exist."
    ),
    response_model=ApplicationStatusPublic,
    responses={
        404: {"model": ErrorMessage, "description": "Unknown number or wrong proof."},
        429: {"model": ErrorMessage, "description": "Too many failed checks for this conversation, phone or number."},
    },
)
def lookup_application_status(lookup: ApplicationStatusLookup, session: SessionDep) -> ApplicationStatusPublic:
    # Counted per conversation and per phone (one guesser), and per application number (many
    # conversations guessing one applicant's details).
    sources = [
        f"{kind}:{value}"
        for kind, value in (("conversation", lookup.conversation_id), ("phone", lookup.caller_phone))
        if value
    ]
    number = [f"application:{lookup.application_number}"]
    throttle, now = get_throttle(), utc_now()
    if throttle.blocked(session=session, limit=IDENTITY_CHECKS, keys=sources, now=now) or throttle.blocked(
        session=session, limit=IDENTITY_CHECKS_PER_APPLICATION, keys=number, now=now
    ):
        raise HTTPException(status_code=status.HTTP_429_TOO_MANY_REQUESTS, detail=TOO_MANY_CHECKS)
    application = crud.find_application_for_proof(
        session=session,
        application_number=lookup.application_number,
        date_of_birth=lookup.date_of_birth,
        pin=lookup.pin,
        phone=lookup.phone,
    )
    if application is None:
        # Only a typed proof is a guess. The SMS sender's number is checked by itself on every text
        # about an application; counting those misses would let strangers who text about someone
        # else's application lock its applicant out.
        if lookup.phone is None:
            throttle.record_failure(session=session, limit=IDENTITY_CHECKS, keys=sources, now=now)
            throttle.record_failure(session=session, limit=IDENTITY_CHECKS_PER_APPLICATION, keys=number, now=now)
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


_CHANGE_ERRORS = {
    flow.ApplicationNotFound: status.HTTP_404_NOT_FOUND,
    flow.ApplicationTransitionNotAllowed: status.HTTP_409_CONFLICT,
    flow.ReasonRequired: status.HTTP_422_UNPROCESSABLE_CONTENT,
}


@router.post(
    "/{application_number}/status-changes",
    summary="Move an application to its next status",
    description=(
        "For caseworkers' systems. Only the flow's allowed changes are accepted "
        "(submitted → under review → awaiting documents / approved / rejected; approved → issued; "
        "withdrawal until a decision). Records who, when and why; the citizen is to hear about it."
    ),
    response_model=ApplicationStatusChanged,
    responses={
        404: {"model": ErrorMessage, "description": "No application has that number."},
        409: {"model": ErrorMessage, "description": "The change is not allowed from the current status."},
    },
)
def change_application_status(
    application_number: Annotated[str, Path(max_length=32, examples=["APP-204817"])],
    change: ApplicationStatusChange,
    session: SessionDep,
) -> ApplicationStatusChanged:
    number = normalise_application_number(application_number)
    if number is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="No application has that number.")
    try:
        application = flow.change_application_status(
            session=session,
            application_number=number,
            to_status=change.to_status,
            actor=change.actor,
            now=utc_now(),
            citizen_message=change.citizen_message,
            reason=change.reason,
            internal_note=change.internal_note,
        )
    except flow.ApplicationChangeError as error:
        session.rollback()
        raise HTTPException(status_code=_CHANGE_ERRORS.get(type(error), 400), detail=str(error)) from None
    new_status = ApplicationStatus(application.status)
    last_event = application.events[-1]
    return ApplicationStatusChanged(
        application_number=application.application_number,
        status=new_status.value,
        status_text=APPLICATION_STATUS_TEXT[new_status],
        last_step=last_event.step_text,
        last_step_at=last_event.occurred_at,
        next_step=APPLICATION_NEXT_STEP[new_status],
    )


@router.put(
    "/{application_number}/updates",
    summary="Record whether the applicant wants to be texted about progress",
    description=(
        "For caseworkers' systems: the applicant's answer to \"text me about progress\" on the application form "
        "or at the counter. With `true`, each later status change is texted to the phone on record "
        "(`python -m app.manage send-notifications`); `false` stops it. Numbers that texted STOP get nothing."
    ),
    response_model=ApplicationUpdatesChosen,
    responses={404: {"model": ErrorMessage, "description": "No application has that number."}},
)
def choose_updates(
    application_number: Annotated[str, Path(max_length=32, examples=["APP-204817"])],
    choice: ApplicationUpdatesChoice,
    session: SessionDep,
) -> ApplicationUpdatesChosen:
    number = normalise_application_number(application_number)
    application = crud.get_application(session=session, application_number=number) if number else None
    if application is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="No application has that number.")
    application.wants_updates = choice.wants_updates
    session.commit()
    logger.info("application %s: updates %s (by %s)", number, "on" if choice.wants_updates else "off", choice.actor)
    return ApplicationUpdatesChosen(
        application_number=application.application_number,
        wants_updates=application.wants_updates,
        phone_on_record=bool(application.citizen.phone),
    )
