"""Tests of the application object: the documented OpenAPI contract."""

from fastapi.testclient import TestClient

from app.main import app

CONTRACT_OPERATIONS = {
    ("/api/v1/applications/status-lookup", "post"),
    ("/api/v1/service-requests", "post"),
    ("/api/v1/service-requests/{request_number}", "get"),
    ("/api/v1/handoffs", "post"),
    ("/api/v1/conversations/{conversation_id}/handoff", "get"),
    ("/api/v1/conversations/{conversation_id}/citizen-messages", "post"),
    ("/api/v1/callbacks", "post"),
    ("/api/v1/satisfaction-ratings", "post"),
    ("/api/v1/services", "get"),
    ("/api/v1/sms-consents", "post"),
    ("/api/v1/sms-consents/lookup", "post"),
    ("/health", "get"),
}


def test_openapi_documents_every_operation() -> None:
    with TestClient(app) as client:
        schema = client.get("/openapi.json").json()
    operations = {(path, method): spec for path, methods in schema["paths"].items() for method, spec in methods.items()}
    # The console's own API is documented too, but is not part of the assistant's contract.
    contract = {operation for operation in operations if not operation[0].startswith("/console/")}
    assert contract == CONTRACT_OPERATIONS
    for (path, _method), spec in operations.items():
        assert spec.get("summary"), path
        if path.startswith("/api/v1/"):
            assert spec["security"] == [{"HTTPBearer": []}], path
            assert "401" in spec["responses"], path
    assert "404" in operations[("/api/v1/applications/status-lookup", "post")]["responses"]
    assert "404" in operations[("/api/v1/service-requests/{request_number}", "get")]["responses"]
    lookup = schema["components"]["schemas"]["ApplicationStatusLookup"]
    assert lookup["examples"][0] == {"application_number": "APP-204817", "date_of_birth": "1985-03-14"}
