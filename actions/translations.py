"""The back office's fixed status texts in Chinese, for answers in the citizen's language.

The back office speaks English (its status codes come with English texts);
the codes are fixed by the API, so the assistant translates by code. Free text
a caseworker or department wrote (the last step) stays as written.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from actions.citizen_text import format_citizen_date

APPLICATION_STATUS_ZH = {
    "submitted": "已提交",
    "under_review": "审核中",
    "awaiting_documents": "等待您补交材料",
    "approved": "已批准",
    "rejected": "未获批准",
    "issued": "已发证",
    "withdrawn": "已撤回",
}

APPLICATION_NEXT_STEP_ZH = {
    "submitted": "将为您指派经办人开始审核，通常在5个工作日内。",
    "under_review": "经办人正在审核您的申请，如缺少材料会联系您。",
    "awaiting_documents": "请在30天内通过网上或到市民服务中心补交我们信中列出的材料，材料收到后继续审核。",
    "approved": "决定书正在寄出，证件办好后会通知您。",
    "rejected": "决定书中说明了原因。您可以在决定书日期起30天内申诉。",
    "issued": "您无需再做任何事。",
    "withdrawn": "您无需再做任何事，可随时重新申请。",
}

SERVICE_REQUEST_STATUS_ZH = {
    "received": "已受理",
    "dispatched": "已转交负责部门",
    "accepted": "部门已接单",
    "in_progress": "正在处理",
    "resolved": "已解决",
    "closed": "已结案",
    "rejected": "不予处理",
}


def in_language(language: str, english: str, chinese: Optional[str]) -> str:
    """The Chinese text when the citizen writes Chinese and there is one; the English text otherwise."""
    return chinese if language == "zh" and chinese else english


def format_date_for(language: str, value: Optional[str]) -> str:
    """'2025-05-12' -> '12 May 2025', or '2025年5月12日' in Chinese."""
    if language != "zh" or not value:
        return format_citizen_date(value)
    try:
        date = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{date.year}年{date.month}月{date.day}日"
