"""Seed 000's unified sitting (Jiangsu, 企业人力资源管理师 and 劳动关系协调员) run through the
real services from an empty province to verified certificates.

Every stage calls the same service functions the pages, the API and the commands call; the
simulation only decides who does what and when. It runs on a simulated clock (2026-03 to
2026-08, inside the entered working-day calendar): `time_machine` moves "now" for each stage,
so the 15-working-day filing rule, review windows, the re-check window and registration are
checked exactly as they would be in production.

Each stage prints its duration and counts; `consistency_check` ends the run. The stages live
one module each (setup, personnel, applications, sitting, itembank, examday, scoring,
certificates, consistency); `runner.Simulation` puts them in order."""

from skillcert.operations.simulation.runner import Simulation
from skillcert.operations.simulation.scenario import (
    PASSWORD,
    POSTPONED,
    SCALES,
    SITTING_CODE,
    Scale,
    split_shares,
)

__all__ = ["PASSWORD", "POSTPONED", "SCALES", "SITTING_CODE", "Scale", "Simulation", "split_shares"]
