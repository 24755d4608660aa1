"""The service catalogue: application types and service-request categories."""

from fastapi import APIRouter

from app import crud
from app.api.deps import SessionDep
from app.schemas import ServicePublic
from app.statuses import ServiceKind

router = APIRouter(prefix="/services", tags=["services"])


@router.get(
    "",
    summary="List the service catalogue",
    description="Application types (`kind=application`) and request categories "
    "(`kind=service_request`, with their service level in working days).",
    response_model=list[ServicePublic],
)
def list_services(session: SessionDep, kind: ServiceKind | None = None) -> list[ServicePublic]:
    return [
        ServicePublic(
            code=service.code,
            name=service.name,
            kind=ServiceKind(service.kind),
            department_name=service.department.name,
            service_level_days=service.service_level_days,
            description=service.description,
        )
        for service in crud.list_services(session=session, kind=kind)
    ]
