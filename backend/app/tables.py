"""Every table of the back office in one metadata: import this where the whole schema matters (Alembic)."""

import app.handoff.models  # noqa: F401 - registers the handoff tables
import app.review.models  # noqa: F401 - registers the review table
import app.security.models  # noqa: F401 - registers the throttle table
import app.staff.models  # noqa: F401 - registers the staff tables
from app.models import Base

metadata = Base.metadata
