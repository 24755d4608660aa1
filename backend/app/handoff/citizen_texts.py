"""What the hotline itself tells a citizen during a handoff, in each language the line serves."""

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "claimed": "You're now chatting with {agent} from the Northbridge contact centre.",
        "transferred_team": "{agent} has passed your conversation to our {team} team. Please stay here; "
        "someone will be with you soon.",
        "transferred_agent": "{agent} has passed your conversation to a colleague, who will be with you shortly.",
        "queue": "You are number {position} in the queue. The estimated wait is about {minutes} minutes.",
        "agent_left": "{agent} has ended the chat.",
    },
    "zh": {
        "claimed": "您现在正在与北桥市民服务中心的{agent}交谈。",
        "transferred_team": "{agent}已将您的对话转给我们的{team}团队。请留在此处，工作人员很快会与您联系。",
        "transferred_agent": "{agent}已将您的对话转给一位同事，他将很快与您联系。",
        "queue": "您目前排在第{position}位，预计等待约{minutes}分钟。",
        "agent_left": "{agent}已结束对话。",
    },
}


def citizen_text(language: str, key: str, **values: object) -> str:
    """The text in the citizen's language (English when the line does not speak it)."""
    texts = TEXTS.get(language.split("-")[0], TEXTS["en"])
    return texts[key].format(**values)
