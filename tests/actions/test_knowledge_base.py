"""actions/knowledge_base.py: the shipped files are complete, and broken files fail loudly and precisely."""

import shutil

import pytest

from actions.knowledge_base import ISSUE_CATEGORY_CODES, SERVICE_CODES, KnowledgeBaseError, load_knowledge_base
from actions.settings import DEFAULT_KNOWLEDGE_BASE_DIR


def test_shipped_knowledge_base_covers_every_code(knowledge_base):
    assert set(knowledge_base.services) == set(SERVICE_CODES)
    assert set(knowledge_base.issue_categories) == set(ISSUE_CATEGORY_CODES)
    for service in knowledge_base.services.values():
        assert all("£" in fee or "free" in fee for fee in service.fees), f"{service.code}: fees in pounds"
        assert "€" not in " ".join(service.fees) and "$" not in " ".join(service.fees)


@pytest.fixture
def kb_copy(tmp_path):
    for path in DEFAULT_KNOWLEDGE_BASE_DIR.glob("*.yml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_missing_field_names_file_service_and_field(kb_copy):
    _edit(kb_copy / "services.yml", '    fees:\n      - "First vehicle', '    fee_list:\n      - "First vehicle')
    with pytest.raises(
        KnowledgeBaseError, match=r"services\.yml: service 'parking_permit' has unknown field\(s\) fee_list"
    ):
        load_knowledge_base(kb_copy)


def test_removed_field_names_file_and_service(kb_copy):
    _edit(kb_copy / "services.yml", '    opening_hours: "Mon-Fri 08:00-18:00, Sat 09:00-13:00"\n', "")
    with pytest.raises(
        KnowledgeBaseError, match=r"services\.yml: service 'parking_permit' lacks the required field 'opening_hours'"
    ):
        load_knowledge_base(kb_copy)


def test_empty_documents_are_refused(kb_copy):
    _edit(
        kb_copy / "services.yml",
        '    fees:\n      - "Applying is free',
        '    fees: []\n    x:\n      - "Applying is free',
    )
    with pytest.raises(KnowledgeBaseError, match="housing_benefit"):
        load_knowledge_base(kb_copy)


def test_missing_service_and_unknown_code(kb_copy):
    _edit(kb_copy / "services.yml", "  housing_benefit:", "  housing_benefits:")
    with pytest.raises(KnowledgeBaseError, match="unknown service code 'housing_benefits'"):
        load_knowledge_base(kb_copy)


def test_a_whole_service_missing(kb_copy):
    text = (kb_copy / "services.yml").read_text(encoding="utf-8")
    start, end = text.index("  housing_benefit:"), text.index("  parking_permit:")
    (kb_copy / "services.yml").write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="no entry for service.s. housing_benefit"):
        load_knowledge_base(kb_copy)


def test_invalid_yaml_names_the_file(kb_copy):
    (kb_copy / "issue_categories.yml").write_text("issue_categories: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"issue_categories\.yml: not valid YAML"):
        load_knowledge_base(kb_copy)


def test_empty_directory(tmp_path):
    with pytest.raises(KnowledgeBaseError, match="no knowledge base files"):
        load_knowledge_base(tmp_path)


def test_action_server_refuses_to_start_on_a_broken_knowledge_base(kb_copy, monkeypatch):
    # The action server instantiates every action at start-up: a broken file must stop it there.
    from actions.faq import ActionAnswerFaq
    from actions.knowledge_base import _load_cached

    _edit(kb_copy / "services.yml", "    where: Benefits Team", "    were: Benefits Team")
    monkeypatch.setenv("KNOWLEDGE_BASE_DIR", str(kb_copy))
    _load_cached.cache_clear()
    try:
        with pytest.raises(KnowledgeBaseError, match="housing_benefit"):
            ActionAnswerFaq()
    finally:
        _load_cached.cache_clear()


@pytest.mark.parametrize(
    "said,code",
    [
        ("dumped rubbish", "dumped_rubbish"),
        ("street lamp", "streetlight"),
        ("burst pipe on the corner", "water_leak"),
        ("NOISE", "noise"),
        ("noise_complaint", "noise"),
        ("lamp post by the fly-tipping", None),
        ("a pothole and graffiti", None),
        ("", None),
    ],
)
def test_issue_category_matching(knowledge_base, said, code):
    found = knowledge_base.find_issue_category(said)
    assert (found.code if found else None) == code


def test_service_matching(knowledge_base):
    assert knowledge_base.find_service("business_licence").code == "business_licence"
    assert knowledge_base.find_service("Business License").code == "business_licence"
    assert knowledge_base.find_service("town hall").code == "service_centre"
    assert knowledge_base.find_service("a mortgage") is None
    assert knowledge_base.find_service(None) is None


def test_every_entry_is_written_in_chinese_too(knowledge_base):
    chinese = __import__("re").compile(r"[\u4e00-\u9fff]")
    for service in knowledge_base.services.values():
        translated = service.in_language("zh")
        assert translated is not service, service.code
        for text in (translated.name, translated.summary, *translated.documents, *translated.fees):
            assert chinese.search(text), f"{service.code}: {text}"
    for category in knowledge_base.issue_categories.values():
        assert chinese.search(category.in_language("zh").name), category.code


def test_a_missing_chinese_translation_names_file_and_service(kb_copy):
    text = (kb_copy / "services.yml").read_text(encoding="utf-8")
    start = text.index("    zh:\n      name: 居民停车许可证")
    end = text.index("\n\n", start) if "\n\n" in text[start:] else len(text)
    (kb_copy / "services.yml").write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"services\.yml: service 'parking_permit' lacks its 'zh' translation"):
        load_knowledge_base(kb_copy)
