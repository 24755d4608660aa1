"""FastAPI dependencies, exposed as named aliases for route signatures."""

from typing import Annotated

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from app.core.config import settings
from app.core.db import get_db
from app.core.security import tokens_match

SessionDep = Annotated[Session, Depends(get_db)]

# auto_error=False: a missing header gets the same clear 401 as a wrong token,
# instead of FastAPI's default 403.
_bearer = HTTPBearer(auto_error=False, description="The action server's BACKEND_SERVICE_TOKEN.")

ACTION_SERVER = "assistant"


def require_service_client(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The name of the calling service, once its bearer token checks out."""
    if credentials is None or not tokens_match(credentials.credentials, settings.BACKEND_SERVICE_TOKEN):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Missing or invalid service token.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    # One client today; per-client tokens would map each to its own name here.
    return ACTION_SERVER


ServiceClient = Annotated[str, Depends(require_service_client)]
