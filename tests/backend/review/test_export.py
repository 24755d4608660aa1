"""Exported annotations are valid Rasa training data, stable, and carry none of the citizens' personal data."""

import re
import subprocess
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.review.export import export_annotations, known_examples
from tests.backend.handoff_fixtures import sign_in
from tests.backend.review.conftest import ROOT, RasaDomain, review_message

RASA_PYTHON = ROOT / ".venvs" / "rasa" / "bin" / "python"

# What the citizens wrote that is theirs; none of it may be in the export.
PERSONAL = ["Margaret Okafor", "07700 900461", "m.okafor@gmail.com", "14/03/1985", "204817", "100231", "482913",
            "王小明", "13800138000", "110101199003074518", "AB123456C", "amira", "haddad"]

MESSAGES = [
    # (text, annotated intent, entities as (entity, value))
    ("hi my name is Margaret Okafor, where's my application APP-204817", "check_application_status",
     [("application_number", "APP-204817")]),
    ("text me on 07700 900461 when SR-100231 is fixed", "check_request_status", [("request_number", "SR-100231")]),
    ("my email is m.okafor@gmail.com, born 14/03/1985, pin 482913", "inform", []),
    ("我叫王小明，电话13800138000，身份证110101199003074518", "request_human", []),
    ("will it rain [tomorrow] {in} town? 🌧️\u200b", "out_of_scope", []),
    ("my NI number is AB123456C and I need a new bin", "report_issue", []),
    # A demo applicant's name, on record in the back office, without "my name is" before it.
    ("amira haddad here, any news on the licence?", "check_application_status", []),
]


def annotate_all(client: TestClient, auth_headers: dict[str, str]) -> None:
    batch = [review_message(i, conversation_id="export-conv", text=text) for i, (text, _, _) in enumerate(MESSAGES)]
    assert client.post("/api/v1/review-messages", json={"messages": batch}, headers=auth_headers).status_code == 202
    csrf = sign_in(client, "tara")
    rows = {row["text"]: row["id"] for row in client.get("/console/api/review/messages").json()}
    for text, intent, entities in MESSAGES:
        spans = [{"entity": e, "value": v, "start": text.index(v), "end": text.index(v) + len(v)} for e, v in entities]
        body = {"out_of_scope": True} if intent == "out_of_scope" else {"intent": intent, "entities": spans}
        reply = client.put(f"/console/api/review/messages/{rows[text]}/annotation", headers=csrf, json=body)
        assert reply.status_code == 200, reply.text


def rasa_reads(path: Path) -> dict[str, list[str]]:
    """The examples per intent and the entities, as Rasa's own YAML reader (in the Rasa environment) reads them."""
    script = (
        "import json, sys\n"
        "from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader\n"
        "from rasa.shared.utils.validation import validate_training_data\n"
        "data = RasaYAMLReader().read(sys.argv[1])\n"
        "out = {}\n"
        "for m in data.intent_examples:\n"
        "    out.setdefault(m.get('intent'), []).append([m.get('text'), m.get('entities') or []])\n"
        "print(json.dumps(out))\n"
    )
    result = subprocess.run([str(RASA_PYTHON), "-c", script, str(path)], capture_output=True, text=True, timeout=300,
                            env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-3000:]
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_export_is_rasa_training_data_without_personal_data(
    client: TestClient, db: Session, auth_headers: dict[str, str], rasa_domain: RasaDomain, tmp_path: Path
) -> None:
    annotate_all(client, auth_headers)
    export = export_annotations(session=db)
    assert export.examples == len(MESSAGES)
    for value in PERSONAL:
        assert value.casefold() not in export.text.casefold(), value
    assert export_annotations(session=db).text == export.text  # stable: a re-export is no diff

    path = tmp_path / "reviewed.yml"
    path.write_text(export.text, encoding="utf-8")
    read = rasa_reads(path)
    assert sorted(read) == sorted({intent for _, intent, _ in MESSAGES})
    [application_text, application_entities] = next(
        example for example in read["check_application_status"] if "where's my application" in example[0]
    )
    # The marked application number is still an annotated application number, only not the citizen's.
    assert re.fullmatch(r"hi my name is [A-Z][a-z]+ [A-Z][a-z]+, where's my application APP-\d{6}", application_text)
    assert [(e["entity"], e["value"]) for e in application_entities] == [
        ("application_number", application_text[-10:])
    ]
    [[request_text, request_entities]] = read["check_request_status"]
    assert re.fullmatch(r"text me on 07700 900\d{3} when SR-\d{6} is fixed", request_text)
    assert request_entities[0]["entity"] == "request_number"
    [[weather, _]] = read["out_of_scope"]
    assert weather == "will it rain (tomorrow) (in) town? 🌧️"  # brackets are not read as annotations
    [[chinese, _]] = read["request_human"]
    assert re.fullmatch(r"我叫\w{3}，电话1\d{10}，身份证\d{17}[\dX]", chinese), chinese


def test_the_command_writes_the_file_and_leaves_out_known_examples(
    client: TestClient, db: Session, auth_headers: dict[str, str], rasa_domain: RasaDomain, tmp_path: Path
) -> None:
    annotate_all(client, auth_headers)
    # One annotated message that is already a training example elsewhere (any spelling of case) is left out.
    known_text = "Check my application"
    [extra] = [review_message(30, conversation_id="export-known", text=known_text)]
    client.post("/api/v1/review-messages", json={"messages": [extra]}, headers=auth_headers)
    csrf = sign_in(client, "tara")
    row = next(r for r in client.get("/console/api/review/messages").json() if r["text"] == known_text)
    client.put(f"/console/api/review/messages/{row['id']}/annotation", headers=csrf,
               json={"intent": "check_application_status"})

    nlu = tmp_path / "nlu"
    nlu.mkdir()
    (nlu / "applications.yml").write_text('version: "3.1"\nnlu:\n- intent: check_application_status\n'
                                          '  examples: |\n    - check my application\n')
    assert "check my application" in known_examples(nlu)
    export = export_annotations(session=db, known=known_examples(nlu, leave_out=nlu / "reviewed.yml"))
    assert export.skipped_as_known == [row["id"]]
    assert "heck my application" not in export.text
