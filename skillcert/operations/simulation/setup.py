"""Stage 1: the catalogue, one evaluation organisation per city, the officers' accounts."""

from __future__ import annotations

import datetime as dt

from skillcert.accounts.actors import SIMULATION
from skillcert.accounts.models import Role
from skillcert.common.identifiers import uscc_check_digit
from skillcert.eligibility.demo import load_eligibility_demo
from skillcert.occupations.demo import load_catalogue_demo
from skillcert.occupations.models import Occupation
from skillcert.operations.simulation.scenario import (
    CITIES,
    HR,
    LEVELS,
    LR,
    POSTPONED,
    PROVINCE,
    City,
    at,
    split_shares,
)
from skillcert.operations.simulation.state import SimulationState
from skillcert.organizations.demo import file_and_approve
from skillcert.organizations.models import EvaluationOrg, OrgKind
from skillcert.organizations.services import organization_create
from skillcert.regions.models import Region


class SetupStage(SimulationState):
    """Catalogue, organisations and accounts."""

    def stage_setup(self) -> None:
        with self._stage("目录、机构与账户", at(dt.date(2026, 3, 2), 9)) as counts:
            load_catalogue_demo(SIMULATION)
            load_eligibility_demo(SIMULATION)
            self.occupations = {o.code: o for o in Occupation.objects.filter(code__in=[HR, LR])}
            province = Region.objects.get(code=PROVINCE)
            self._user("sim_sheng", "省级经办", Role.PROVINCE_OFFICER, region=province)
            self._cities_choose()
            self._accounts(
                [
                    account
                    for city in self.cities
                    for account in (
                        (f"sim_city_{city.code}", f"{city.name}市人社局"),
                        (f"sim_org_{city.code}", f"{city.name}考核点经办"),
                    )
                ]
            )
            for n, city in enumerate(self.cities, start=1):
                self._city_set_up(n, city)
            counts["设区市"] = len(self.cities)
            counts["评价机构备案"] = EvaluationOrg.objects.filter(
                pk__in=[c.org.pk for c in self.cities if c.org], filing_number__gt=""
            ).count()
            counts["账户"] = len(self.users)

    def _cities_choose(self) -> None:
        """The scale's cities (always the postponed one), each with its share of the
        candidates and rooms and the county its people come from."""
        chosen = [c for c in CITIES if c[0] == POSTPONED] + [
            c for c in CITIES if c[0] != POSTPONED
        ][: self.scale.cities - 1]
        chosen.sort()
        shares = split_shares(self.scale.candidates, [w for *_, w in chosen])
        rooms = split_shares(self.scale.rooms, [w for *_, w in chosen])
        for (code, name, _w), candidates, room_count in zip(chosen, shares, rooms, strict=True):
            county = (
                Region.objects.filter(code__startswith=code[:4], active=True)
                .exclude(code__endswith="00")
                .exclude(code__endswith="01")
                .order_by("code")
                .first()
            )
            assert county is not None
            self.cities.append(City(code, name, county.code, candidates, room_count))

    def _city_set_up(self, n: int, city: City) -> None:
        """The city's evaluation organisation (the `n`th), filed and approved, its officer's
        and its clerk's accounts."""
        region = Region.objects.get(code=city.county)
        stem = f"12{city.code}4660{n:05d}"[:17]
        city.org = organization_create(
            name=f"{city.name}市职业技能鉴定指导中心（考核点）",
            kind=OrgKind.SOCIAL,
            uscc=stem + uscc_check_digit(stem),
            region=region,
            contact_name=f"{city.name}考务科",
            contact_phone="025-8000" + f"{n:04d}",
            address=f"{city.name}市人民路{n}号",
            actor=SIMULATION,
        )
        file_and_approve(
            city.org,
            Region.objects.get(code=city.code),
            [(code, level) for code in (HR, LR) for level in LEVELS],
            SIMULATION,
        )
        city.org.refresh_from_db()
        city.officer = self._user(
            f"sim_city_{city.code}",
            f"{city.name}市人社局",
            Role.CITY_OFFICER,
            region=Region.objects.get(code=city.code),
        )
        city.clerk = self._user(
            f"sim_org_{city.code}",
            f"{city.name}考核点经办",
            Role.ORG_CLERK,
            organization=city.org,
        )
