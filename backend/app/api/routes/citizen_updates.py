"""Updates on a citizen's requests for the web chat page, collected by the web chat channel on their next visit."""

from dataclasses import asdict

from fastapi import APIRouter

from app.api.deps import SessionDep
from app.api.routes.handoffs import ConversationPath
from app.models import utc_now
from app.notifications.webchat import collect_web_chat_updates
from app.schemas import CitizenUpdatePublic, CitizenUpdatesPublic

router = APIRouter(tags=["citizen updates"])


@router.post(
    "/conversations/{conversation_id}/citizen-updates/collect",
    summary="Hand over a web chat conversation's waiting updates, once",
    description="The changes of the requests filed in this web chat conversation with `wants_updates`, oldest "
    "first; each is returned once and its notification marked sent (a second call returns none).",
    response_model=CitizenUpdatesPublic,
)
def collect_updates(conversation_id: ConversationPath, session: SessionDep) -> CitizenUpdatesPublic:
    updates = collect_web_chat_updates(session=session, conversation_id=conversation_id, now=utc_now())
    return CitizenUpdatesPublic(updates=[CitizenUpdatePublic(**asdict(update)) for update in updates])
