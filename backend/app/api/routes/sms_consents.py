"""Which phone numbers the hotline may text: the record of citizens' STOP and START keywords."""

from fastapi import APIRouter

from app import crud
from app.api.deps import SessionDep
from app.models import SmsConsent
from app.schemas import SmsConsentLookup, SmsConsentPublic, SmsConsentUpdate

router = APIRouter(prefix="/sms-consents", tags=["sms consent"])


def _public(phone: str, consent: SmsConsent | None) -> SmsConsentPublic:
    if consent is None:
        return SmsConsentPublic(phone=phone, opted_out=False, keyword=None, updated_at=None)
    return SmsConsentPublic(
        phone=consent.phone, opted_out=consent.opted_out, keyword=consent.keyword, updated_at=consent.updated_at
    )


@router.post(
    "",
    summary="Record a number's STOP or START",
    description="Stores the latest choice of the number (one record per number). Every sender of "
    "text messages checks it first; an opted-out number gets nothing but the confirmation of its STOP.",
    response_model=SmsConsentPublic,
)
def record_sms_consent(consent_in: SmsConsentUpdate, session: SessionDep) -> SmsConsentPublic:
    consent = crud.record_sms_consent(session=session, consent_in=consent_in)
    return _public(consent.phone, consent)


@router.post(
    "/lookup",
    summary="May this number be texted?",
    description="`opted_out` is false for a number that never sent a keyword. The number is "
    "sent in the body so that it never appears in URLs or access logs.",
    response_model=SmsConsentPublic,
)
def lookup_sms_consent(lookup: SmsConsentLookup, session: SessionDep) -> SmsConsentPublic:
    return _public(lookup.phone, crud.get_sms_consent(session=session, phone=lookup.phone))
