"""Every domain's models, imported so the metadata is complete (Alembic, tests)."""

from backend.accounts import models as accounts_models
from backend.audit import models as audit_models
from backend.capital import models as capital_models
from backend.chains import models as chains_models
from backend.challenges import models as challenges_models
from backend.core import generations
from backend.db import Base
from backend.deals import models as deals_models
from backend.experts import models as experts_models
from backend.intake import models as intake_models
from backend.integrity import models as integrity_models
from backend.listings import models as listings_models
from backend.matches import models as matches_models
from backend.rewards import models as rewards_models

__all__ = ["Base", "accounts_models", "audit_models", "capital_models", "chains_models",
           "challenges_models",
           "deals_models", "experts_models", "generations", "intake_models",
           "integrity_models", "listings_models", "matches_models", "rewards_models"]
