"""The back-office API of the Northbridge citizen-service hotline."""

import sys
from pathlib import Path

# The redaction component (redaction/ at the repository root) is shared with the Rasa
# environment and copied beside `app` in the image; in a checkout it sits one folder up.
_CHECKOUT_ROOT = Path(__file__).resolve().parents[2]
if (_CHECKOUT_ROOT / "redaction" / "__init__.py").is_file() and str(_CHECKOUT_ROOT) not in sys.path:
    sys.path.append(str(_CHECKOUT_ROOT))
