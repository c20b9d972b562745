"""Automated paper assembly (组卷): a mixed-integer programme over a blueprint, solved with
HiGHS. Pure: plain dataclasses and NumPy arrays in, forms or a diagnosis out, no ORM.

Model, for forms f = 1..F and bank items i that fall in some blueprint cell:
  x[i,f] ∈ {0,1}                      item i is on form f
  counts      Σ_{i∈cell} x[i,f] = count(cell)               per cell and form
  enemies     Σ_{i∈group} x[i,f] ≤ 1                          per enemy group and form
  exposure    exposure(i) + Σ_f x[i,f] ≤ max_exposure         per item (each form is one
              more exposure once it is used)
  overlap     |form f ∩ form g| ≤ max_overlap                 per pair of forms, linearised
              with y[i,p] ≥ x[i,f] + x[i,g] − 1
  difficulty  |mean difficulty(f) − target| ≤ tolerance       per form, written homogeneously
              (Σ (d_i − m − t) x ≤ 0 ≤ Σ (d_i − m + t) x) so it stays meaningful when
              the counts are relaxed during diagnosis
  total score Σ score(i) x[i,f] = total_score                 per form, when given
Objective: distance of each form's difficulty sum from the target plus the pairwise distance
between forms, so forms come out close to the target and to each other.

When the blueprint cannot be met, `diagnose` first checks the supply of every cell, then
treats each requirement (one cell's count, one enemy group, exposure, overlap, difficulty,
total score) as a group and finds a minimal set of groups that cannot hold together
(QuickXplain over feasibility solves).

Modules: `domain` (the plain data), `exchange_json` (bank.json and blueprint.json),
`programme` (the model and one solve), `diagnosis` (why a blueprint fails) and `forms` (the
entry points below)."""

from __future__ import annotations

from skillcert.itembank.assembly.diagnosis import (
    SHORTLIST_FACTOR,
)
from skillcert.itembank.assembly.domain import (
    DEFAULT_TIME_LIMIT,
    ELEMENT_CODE,
    ITEM_TYPE_LABELS,
    AssemblyInfeasible,
    BankItem,
    Blueprint,
    Cell,
    Conflict,
    Form,
)
from skillcert.itembank.assembly.exchange_json import (
    bank_from_json,
    blueprint_from_json,
    forms_to_json,
)
from skillcert.itembank.assembly.forms import (
    assemble,
    diagnose,
    requirements_feasible,
    verify_forms,
)
from skillcert.itembank.assembly.programme import (
    GROUP_DIFFICULTY,
    GROUP_EXPOSURE,
    GROUP_OVERLAP,
    GROUP_TOTAL_SCORE,
)

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "ELEMENT_CODE",
    "GROUP_DIFFICULTY",
    "GROUP_EXPOSURE",
    "GROUP_OVERLAP",
    "GROUP_TOTAL_SCORE",
    "ITEM_TYPE_LABELS",
    "SHORTLIST_FACTOR",
    "AssemblyInfeasible",
    "BankItem",
    "Blueprint",
    "Cell",
    "Conflict",
    "Form",
    "assemble",
    "bank_from_json",
    "blueprint_from_json",
    "diagnose",
    "forms_to_json",
    "requirements_feasible",
    "verify_forms",
]
