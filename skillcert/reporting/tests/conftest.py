from skillcert.plans.tests.factories import hr, plan, welder

__all__ = ["hr", "plan", "welder"]
