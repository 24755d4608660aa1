"""Whole conversations in simplified Chinese with the real assistant, back office and trained model.

The citizen writes Chinese and is answered in Chinese in every flow; the
language can change in the middle of a conversation; a handoff carries the
language to the console and queues for the Chinese-speaking team.
"""

import re

import httpx
import pytest

from actions.translations import APPLICATION_STATUS_ZH, SERVICE_REQUEST_STATUS_ZH
from tests.e2e.hotline_process import Conversation, Hotline
from tests.e2e.test_handoff import ConsoleSession

pytestmark = pytest.mark.e2e
HAN = re.compile(r"[\u4e00-\u9fff]")


def chinese(reply: str) -> bool:
    """Mostly Chinese: more Han characters than Latin letters (numbers and street names stay as written)."""
    return len(HAN.findall(reply)) > len(re.findall(r"[A-Za-z]", reply))


def status_lookup(hotline: Hotline, number: str, **proof: str) -> dict:
    reply = httpx.post(f"{hotline.backend_url}/api/v1/applications/status-lookup",
                       json={"application_number": number, **proof},
                       headers={"Authorization": f"Bearer {hotline.service_token}"}, timeout=10)
    reply.raise_for_status()
    return reply.json()


def test_application_status_in_chinese_with_a_chinese_date_of_birth(hotline: Hotline) -> None:
    expected = status_lookup(hotline, "APP-204817", date_of_birth="1985-03-14")
    citizen = Conversation(hotline.rasa_url)

    greeting = citizen.say_text("你好")
    assert chinese(greeting) and "12345" in greeting
    asked_number = citizen.say_text("我想查一下我的营业执照申请到哪一步了")
    assert "申请编号" in asked_number and chinese(asked_number)
    asked_proof = citizen.say_text("APP-204817")  # no Chinese in it: the conversation stays Chinese
    assert "出生日期" in asked_proof and chinese(asked_proof)
    status = citizen.say_text("1985年3月14日")

    assert "APP-204817" in status and chinese(status), status
    assert APPLICATION_STATUS_ZH[expected["status"]] in status


def test_a_wrong_date_of_birth_discloses_nothing_in_chinese_either(hotline: Hotline) -> None:
    citizen = Conversation(hotline.rasa_url)
    citizen.say_text("查询申请状态")
    citizen.say_text("APP-204817")
    refused = citizen.say_text("1999年1月1日")
    assert "没有找到" in refused and "APP-204817" not in refused


def test_reporting_a_problem_and_asking_its_status_in_chinese(hotline: Hotline) -> None:
    citizen = Conversation(hotline.rasa_url)
    asked_where = citizen.say_text("我要报告：我家门口的路灯坏了")
    assert "在哪里" in asked_where, asked_where
    asked_what = citizen.say_text("Mill Lane 12号门口")
    assert "描述" in asked_what
    summary = citizen.say_text("路灯从上周开始就不亮了，晚上很黑")
    assert "您的报告如下" in summary and "路灯不亮" in summary and "Mill Lane 12号门口" in summary
    filed = citizen.say_text("是的，提交")
    number = re.search(r"SR-\d{6}", filed)
    assert number and "参考编号" in filed, filed

    status = Conversation(hotline.rasa_url).say_text(f"{number.group(0)}处理得怎么样了")
    assert number.group(0) in status and "路灯" in status
    assert any(text in status for text in SERVICE_REQUEST_STATUS_ZH.values()), status


def test_faq_in_chinese_from_the_knowledge_base(hotline: Hotline) -> None:
    citizen = Conversation(hotline.rasa_url)
    fees = citizen.say_text("办营业执照要多少钱")
    assert "营业执照收费" in fees and "£180" in fees
    bins = citizen.say_text("我们这里星期几收垃圾")
    assert "垃圾收集" in bins and "收运日" in bins


def test_the_language_follows_the_citizen_mid_conversation(hotline: Hotline) -> None:
    citizen = Conversation(hotline.rasa_url)
    english = citizen.say_text("what are your opening hours?")
    assert "Opening hours" in english and not HAN.search(english)
    switched = citizen.say_text("可以用中文吗？你们周六开门吗")
    assert "办公时间" in switched and chinese(switched)
    back = citizen.say_text("thanks, that's all")
    assert not HAN.search(back), back


def test_out_of_scope_in_chinese_says_what_the_hotline_can_do(hotline: Hotline) -> None:
    reply = Conversation(hotline.rasa_url).say_text("明天天气怎么样")
    assert "不在12345热线的服务范围内" in reply or "我可以" in reply, reply
    assert chinese(reply)


def test_a_chinese_handoff_reaches_the_chinese_speaking_team_with_its_language(hotline: Hotline) -> None:
    citizen = Conversation(hotline.rasa_url)
    queued = citizen.say_text("请帮我转人工")
    reference = re.search(r"HO-\d{6}", queued)
    assert reference and "排在第" in queued, queued
    chen = ConsoleSession(hotline, "chen")
    row = next(c for c in chen.get("/conversations").json() if c["reference"] == reference.group(0))
    assert row["language"] == "zh" and row["team"] == "chinese"


def test_a_chinese_emergency_gets_the_safety_message_in_chinese_and_the_urgent_team(hotline: Hotline) -> None:
    reply = Conversation(hotline.rasa_url).say_text("楼道里煤气味很重，有人晕倒了")
    assert "999" in reply and "紧急" in reply, reply
    reference = re.search(r"HO-\d{6}", reply).group(0)
    row = next(c for c in ConsoleSession(hotline, "dana").get("/conversations").json()
               if c["reference"] == reference)
    assert row["team"] == "urgent" and row["language"] == "zh"
