"""``desk user …``: accounts (the admin's) and one's own password (everyone's).

Passwords are never options: the actor's comes from ``DESK_PASSWORD`` or a prompt, an
approving lead's from ``DESK_APPROVER_PASSWORD`` or a prompt, a new or temporary password from
two prompts (or one line of standard input when it is not a terminal)."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table

from models.i18n import _
from tui.cli.common import (
    ConfigOpt,
    DbOpt,
    JsonOpt,
    UserOpt,
    acting,
    app,
    handle_errors,
    open_context,
    out,
    password_of,
)

user_app = typer.Typer(help=_("用户：管理账户（管理员）；修改自己的密码（每个用户）"))
app.add_typer(user_app, name="user")

T = TypeVar("T")

NameArg = Annotated[str, typer.Argument(help=_("用户名"))]
ApproverOpt = Annotated[
    str | None,
    typer.Option(
        "--approver",
        help=_(
            "核准的负责人（另一个人）的用户名，其密码从 DESK_APPROVER_PASSWORD 或提示输入；添加、任命、撤销、启用、停用负责人和重置负责人的密码时需要"
        ),
    ),
]
RoleHelp = _("clerk 受理员 | cashier 收费员 | lead 负责人 | admin 管理员")


def _new_password(name: str, prompt: str) -> str:
    """A new password typed twice at a terminal, else one line of standard input."""
    from models.errors import InvalidInput

    if sys.stdin.isatty():
        password = getpass.getpass(prompt.format(name=name))
        if getpass.getpass(_("再输入一次：")) != password:
            raise InvalidInput(_("两次输入的密码不一致"), code="user.password_mismatch")
        return password
    return sys.stdin.readline().rstrip("\r\n")


def _approval(approver: str | None) -> Any:
    from models.services.users import Approval

    if approver is None:
        return None
    return Approval(approver, password_of(approver, "DESK_APPROVER_PASSWORD"))


def _approved(change: Callable[[], T]) -> T:
    """Run an account change; a refusal for want of a lead's approval says how to give one."""
    from models.errors import PermissionDenied
    from models.services.users import NEEDS_APPROVAL

    try:
        return change()
    except PermissionDenied as exc:
        if exc.code != NEEDS_APPROVAL:
            raise
        raise PermissionDenied(
            _(
                "{message}。命令行：用 --approver 指明核准的负责人，其密码从 DESK_APPROVER_PASSWORD 或提示输入"
            ).format(message=exc.message),
            code=exc.code,
        ) from None


def _role_label(role: str) -> str:
    from models.vocab import Role

    return Role(role).label


@user_app.command("add")
@handle_errors
def user_add(
    name: NameArg,
    role: Annotated[str, typer.Option("--role", "-r", help=RoleHelp)],
    display_name: Annotated[
        str, typer.Option("--display-name", help=_("显示名（如 受理员小王）"))
    ] = "",
    approver: ApproverOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """添加用户（管理员）。

    新用户的密码在提示时输入两次；非交互时从标准输入读一行。空数据库的第一个用户不需要 --user，须为管理员；添加负责人须另一位负责人用 --approver 核准（办公室的第一位负责人除外）。"""
    from models.db import session_scope
    from models.errors import InvalidInput
    from models.permissions import SYSTEM
    from models.services.users import add_user
    from models.vocab import Role

    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "user.add")
        session.commit()  # keep the login audit even if the rest fails
        if actor is SYSTEM and role in set(Role) and role != Role.admin:
            raise InvalidInput(
                _(
                    "数据库中还没有用户：第一个用户须为管理员（--role admin），再由管理员添加负责人和其他用户"
                ),
                code="user.first_admin",
            )
        password = _new_password(name, _("{name} 的新密码："))
        approval = _approval(approver)
        created = _approved(
            lambda: add_user(
                session,
                actor,
                username=name,
                role=role,
                password=password,
                display_name=display_name,
                approval=approval,
            )
        )
        out.print(
            _("已添加用户 {username}（{role}）").format(
                username=created.username, role=_role_label(created.role)
            )
        )


@user_app.command("list")
@handle_errors
def user_list(
    user: UserOpt = None, config: ConfigOpt = None, db: DbOpt = None, as_json: JsonOpt = False
) -> None:
    """列出用户（管理员）。

    角色、状态（在用、已停用、已锁定、须改密码）、最近登录。"""
    from models.db import session_scope
    from models.services.users import list_users
    from tui.work.accounts import row_json, state, when

    dctx = open_context(config, db, readonly=True)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "user.list")
        rows = list_users(session, actor)
    if as_json:
        out.print_json(json.dumps({"users": [row_json(r) for r in rows]}, ensure_ascii=False))
        return
    table = Table(title=_("用户"), show_lines=False)
    for col in (_("用户名"), _("显示名"), _("角色"), _("状态"), _("最近登录")):
        table.add_column(col)
    for r in rows:
        table.add_row(r.username, r.display_name, r.role.label, state(r), when(r.last_login_at))
    out.print(table)


def _change(
    user: str | None,
    config: Path | None,
    db: str | None,
    action: str,
    change: Callable[[Any, Any], Any],
) -> Any:
    """Authenticate the admin, then make the change in the same transaction as its audit."""
    from models.db import session_scope

    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, action)
        session.commit()  # keep the login audit even if the change is refused
        return _approved(lambda: change(session, actor))


@user_app.command("disable")
@handle_errors
def user_disable(
    name: NameArg,
    approver: ApproverOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """停用用户（管理员）。

    从此不能在任何地方登录（受理台、命令行、网页）；记录保留。不能停用自己，也不能停用最后一位在用的管理员或负责人；停用负责人须另一位负责人用 --approver 核准。"""
    from models.services.users import disable_user

    approval = _approval(approver)
    changed = _change(
        user,
        config,
        db,
        "user.disable",
        lambda session, actor: disable_user(session, actor, name, approval=approval),
    )
    out.print(_("已停用用户 {username}").format(username=changed.username))


@user_app.command("enable")
@handle_errors
def user_enable(
    name: NameArg,
    approver: ApproverOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """重新启用停用的用户（管理员）。

    负责人的账户须另一位负责人用 --approver 核准。"""
    from models.services.users import enable_user

    approval = _approval(approver)
    changed = _change(
        user,
        config,
        db,
        "user.enable",
        lambda session, actor: enable_user(session, actor, name, approval=approval),
    )
    out.print(_("已启用用户 {username}").format(username=changed.username))


@user_app.command("reset-password")
@handle_errors
def user_reset_password(
    name: NameArg,
    approver: ApproverOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """重置用户的密码（管理员）。

    设一个临时密码（提示时输入两次；非交互时从标准输入读一行），该用户下次登录须先设置新密码。重置负责人的密码须另一位负责人用 --approver 核准。"""
    from models.services.users import reset_password

    def change(session: Any, actor: Any) -> Any:
        temporary = _new_password(name, _("{name} 的临时密码："))
        return reset_password(
            session, actor, name, password=temporary, approval=_approval(approver)
        )

    changed = _change(user, config, db, "user.reset_password", change)
    out.print(
        _("已重置 {username} 的密码：请把临时密码交给本人，其下次登录须设置新密码").format(
            username=changed.username
        )
    )


@user_app.command("set-role")
@handle_errors
def user_set_role(
    name: NameArg,
    role: Annotated[str, typer.Option("--role", "-r", help=RoleHelp)],
    approver: ApproverOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """更改用户的角色（管理员）。

    任命或撤销负责人须另一位负责人用 --approver 核准；最后一位在用的管理员或负责人不能改为其他角色。"""
    from models.services.users import set_role

    approval = _approval(approver)
    changed = _change(
        user,
        config,
        db,
        "user.set_role",
        lambda session, actor: set_role(session, actor, name, role, approval=approval),
    )
    out.print(
        _("已把 {username} 的角色改为{role}").format(
            username=changed.username, role=_role_label(changed.role)
        )
    )


@user_app.command("passwd")
@handle_errors
def user_passwd(user: UserOpt = None, config: ConfigOpt = None, db: DbOpt = None) -> None:
    """修改自己的密码（每个用户）。

    当前密码从 DESK_PASSWORD 或提示输入，新密码在提示时输入两次（非交互时从标准输入读一行）。密码被重置后，用临时密码运行本命令设置新密码。"""
    from models.db import session_scope
    from models.errors import InvalidInput
    from models.services.users import authenticate, change_own_password

    if user is None:
        raise InvalidInput(
            _("请用 --user 指明要修改密码的用户（您自己的用户名）"), code="cli.no_user"
        )
    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        current = password_of(user)
        actor = authenticate(session, user, current, desk=dctx.config.desk)
        session.commit()  # the login's audit row, whatever follows
        new = _new_password(actor.username, _("{name} 的新密码："))
        change_own_password(session, actor, current=current, new=new)
    out.print(_("{username} 的新密码已设置").format(username=actor.username))
