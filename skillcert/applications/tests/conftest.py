from skillcert.plans.tests.factories import candidate_person, hr, plan, welder

__all__ = ["candidate_person", "hr", "plan", "welder"]
