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
    ("/api/v1/conversation-facts", "post"),
    ("/api/v1/review-messages", "post"),
    ("/api/v1/conversations/{conversation_id}/citizen-updates/collect", "post"),
    ("/api/v1/services", "get"),
    ("/api/v1/sms-consents", "post"),
    ("/api/v1/sms-consents/lookup", "post"),
    ("/api/v1/applications/{application_number}/status-changes", "post"),
    ("/api/v1/applications/{application_number}/updates", "put"),
    ("/api/v1/work-orders", "get"),
    ("/api/v1/work-orders/{request_number}", "get"),
    ("/api/v1/work-orders/{request_number}/accept", "post"),
    ("/api/v1/work-orders/{request_number}/reassign", "post"),
    ("/api/v1/work-orders/{request_number}/progress-notes", "post"),
    ("/api/v1/work-orders/{request_number}/resolve", "post"),
    ("/api/v1/work-orders/{request_number}/reject", "post"),
    ("/api/v1/work-orders/{request_number}/close", "post"),
    ("/health", "get"),
    ("/health/live", "get"),
    ("/metrics", "get"),
    ("/open311/v2/discovery.{fmt}", "get"),
    ("/open311/v2/services.{fmt}", "get"),
    ("/open311/v2/services/{service_code}.{fmt}", "get"),
    ("/open311/v2/requests.{fmt}", "get"),
    ("/open311/v2/requests.{fmt}", "post"),
    ("/open311/v2/requests/{service_request_id}.{fmt}", "get"),
    ("/open311/v2/tokens/{token}.{fmt}", "get"),
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
