"""The /api/v1 router: every resource, all behind the service token."""

from fastapi import APIRouter, Depends

from app.api.deps import require_service_client
from app.api.routes import (
    applications,
    citizen_updates,
    conversation_facts,
    handoffs,
    review_messages,
    service_requests,
    services,
    sms_consents,
    work_orders,
)

api_router = APIRouter(
    prefix="/api/v1",
    dependencies=[Depends(require_service_client)],
    responses={401: {"description": "Missing or invalid service token."}},
)
api_router.include_router(applications.router)
api_router.include_router(service_requests.router)
api_router.include_router(handoffs.router)
api_router.include_router(services.router)
api_router.include_router(sms_consents.router)
api_router.include_router(work_orders.router)
api_router.include_router(conversation_facts.router)
api_router.include_router(citizen_updates.router)
api_router.include_router(review_messages.router)
