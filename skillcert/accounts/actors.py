"""Who acts: a person (`User`) or a process of the system (`SystemActor`). Every service takes
`actor: Actor`; this module is the one place that says what "the system" may do and how an
actor is named in audit rows and foreign keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, TypeAlias

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from skillcert.accounts.models import User
from skillcert.accounts.scope import ANONYMOUS, Scope, scope_for

NO_SCOPE = ANONYMOUS


@dataclass(frozen=True, slots=True)
class SystemActor:
    """A process acting without a person. `name` says which one in the audit trail
    ("demo", "command:workdays", "task:statistics"); `trusted` processes act with platform
    scope, an untrusted one (the public web form) with none."""

    name: str
    trusted: bool = True
    is_system_actor: ClassVar[bool] = True
    is_authenticated: ClassVar[bool] = False

    @property
    def ref(self) -> str:
        return f"system:{self.name}"

    def __str__(self) -> str:
        return self.ref


Actor: TypeAlias = User | SystemActor

# The processes that act today, named once.
DEMO = SystemActor("demo")
SIMULATION = SystemActor("simulate")
COMMAND = SystemActor("command")
TASK = SystemActor("task")
PUBLIC = SystemActor("public", trusted=False)


def command_actor(name: str) -> SystemActor:
    """A management command acting on its own authority ("command:<name>")."""
    return SystemActor(f"command:{name}")


def actor_user(actor: Actor | None) -> User | None:
    """The person behind the act (for foreign keys), or None for the system."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def actor_ref(actor: Actor | None) -> str:
    """How the audit trail names the actor: "<pk>:<username>" or "system:<name>"."""
    if isinstance(actor, SystemActor):
        return actor.ref[:120]
    if isinstance(actor, User) and actor.pk is not None:
        return f"{actor.pk}:{actor.get_username()}"
    return ""


def actor_scope(actor: Actor) -> Scope:
    """What the actor may see: a person's scope, platform scope for a trusted process."""
    return scope_for(actor)


def actor_is_system(actor: Actor) -> bool:
    return isinstance(actor, SystemActor)


def request_actor(request: HttpRequest) -> User:
    """The signed-in person making a request, for views behind `login_required` (an anonymous
    request that got this far is refused, never passed to a service)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("请先登录")
    return user
