"""Who may act on a batch. An actor is a person (`User`, checked against their scope and their
duty in the batch) or an explicit trusted `SystemActor` (commands, the demo loader, tasks),
which acts with platform rights; anything else is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skillcert.accounts.actors import Actor, SystemActor, actor_scope, actor_user
from skillcert.common.errors import DomainError, Forbidden

if TYPE_CHECKING:
    from skillcert.accounts.models import User
    from skillcert.accounts.scope import Scope
    from skillcert.scoring.models import ResultBatch


def forbidden(message: str) -> Forbidden:
    return Forbidden("scoring.forbidden", message)


def acting_person(actor: Actor) -> User | None:
    """The person acting, or None for a trusted process. An untrusted process, an anonymous
    user or anything that is not an `Actor` is refused here, before any rule is applied."""
    user = actor_user(actor)
    if user is not None:
        return user
    if isinstance(actor, SystemActor) and actor.trusted:
        return None
    raise forbidden("无权办理成绩事项")


def acting_scope(actor: Actor) -> Scope:
    acting_person(actor)
    return actor_scope(actor)


def officer_over(actor: Actor, region_code: str) -> bool:
    scope = acting_scope(actor)
    return scope.is_officer and scope.covers_region_code(region_code)


def org_staff_of(actor: Actor, organization_id: int) -> bool:
    scope = acting_scope(actor)
    return scope.is_platform or (scope.is_org_staff and organization_id in scope.organization_ids)


def require_org_or_officer(actor: Actor, batch: ResultBatch, what: str) -> None:
    if not (
        org_staff_of(actor, batch.organization_id)
        or officer_over(actor, batch.organization.region_id)
    ):
        raise forbidden(f"只有本评价机构或主管部门可以{what}")


def require_entry_account(actor: Actor, batch: ResultBatch) -> None:
    user = acting_person(actor)
    if user is None:
        return
    if batch.entry_account_id is None:
        raise DomainError("scoring.entry_account_missing", "本批次尚未指定成绩录入专用账号")
    if user.pk != batch.entry_account_id:
        raise forbidden("只有本批次的成绩录入专用账号可以录入或确认成绩")
