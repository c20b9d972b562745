"""Who may edit the catalogue: the province authority publishes standards and the directory."""

from __future__ import annotations

import rules

from skillcert.accounts.rules import is_province_officer

rules.add_perm("occupations.edit_catalogue", is_province_officer)
