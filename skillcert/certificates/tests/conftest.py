from skillcert.plans.tests.factories import hr, welder  # noqa: F401 - fixtures
