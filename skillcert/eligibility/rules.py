"""Who may publish rule-set versions: the province authority."""

from __future__ import annotations

import rules

from skillcert.accounts.rules import is_province_officer

rules.add_perm("eligibility.publish_rules", is_province_officer)
