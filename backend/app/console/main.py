"""The console: its pages at /console/ and its JSON API at /console/api."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from app.console.routes import case_records, conversations, dashboard, review, sign_in, stream

STATIC_DIR = Path(__file__).parent / "static"

# The page runs only its own scripts: even if a citizen's text were ever inserted as markup, an
# injected <script> or onerror= handler would not run. Styles may be set by Chart.js.
PAGE_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

console_api = APIRouter(prefix="/console/api")
console_api.include_router(sign_in.router)
console_api.include_router(conversations.router)
console_api.include_router(case_records.router)
console_api.include_router(stream.router)
console_api.include_router(dashboard.router)
console_api.include_router(review.router)

console_pages = APIRouter(include_in_schema=False)


@console_pages.get("/console")
def console_root() -> RedirectResponse:
    return RedirectResponse("/console/")


@console_pages.get("/console/")
def console_page() -> FileResponse:
    # The page is the same for everyone; what it shows comes from the API after sign-in.
    return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-store", **PAGE_SECURITY_HEADERS})


console_static = StaticFiles(directory=STATIC_DIR)
