"""What every ``desk`` command shares: the root Typer app, the consoles, the common options,
errors as one Chinese line, the desk's context, the acting user and the campaign. Each command
group is a module of this package that registers itself on ``app`` when imported
(``tui/cli/__init__.py`` imports them all)."""

from __future__ import annotations

import functools
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from models.errors import DomainError
from models.i18n import _

app = typer.Typer(
    name="desk",
    help=_("职称评审委员会办公室 纸质材料受理与收费台（committee-desk）"),
    no_args_is_help=False,
    add_completion=True,
    rich_markup_mode="rich",
    # a bug is one line and the crash log (handle_errors), never a Rich traceback on screen; and
    # the help does not pay for importing Rich's traceback and pretty-printer
    pretty_exceptions_enable=False,
)

out = Console(highlight=False, soft_wrap=True, markup=False)  # data may hold [brackets]
err = Console(stderr=True, highlight=False, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])

# The exit status: 0 done; 1 refused (a domain error, a failed check); 2 a usage error (Click's:
# an unknown option, a missing argument); 3 a crash (a bug: the details in the crash log);
# 130 interrupted (Ctrl+C). README and docs/zh/cli.md list them.
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_CRASH = 3

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help=_("配置文件路径（默认在用户配置目录）"), envvar="DESK_CONFIG"),
]
DbOpt = Annotated[
    str | None, typer.Option("--db", help=_("数据库 URL（覆盖配置文件和 DESK_DATABASE_URL）"))
]
UserOpt = Annotated[
    str | None,
    typer.Option("--user", "-u", help=_("操作人用户名；密码从 DESK_PASSWORD 或提示输入")),
]
JsonOpt = Annotated[bool, typer.Option("--json", help=_("以 JSON 输出"))]
CampaignOpt = Annotated[str | None, typer.Option("--campaign", "-c", help=_("评审批次代码"))]
PrefixOpt = Annotated[
    str | None,
    typer.Option(
        "--prefix",
        help=_(
            "本批次的编号前缀，如 ZJ25：受理编号 ZJ25S00001、收据号 ZJ25F00001、通知 ZJ25B00001（各批次不能相同）"
        ),
    ),
]


def handle_errors(fn: F) -> F:
    """Domain errors become one Chinese line on stderr and exit status 1, a bug one line naming
    the crash log and exit status 3; never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            err.print(
                _("[bold red]错误[/]：{message}  [dim]({code})[/]").format(
                    message=escape(exc.message), code=exc.code
                )
            )
            raise typer.Exit(EXIT_REFUSED) from None
        except KeyboardInterrupt:
            err.print(_("已取消"))
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug or an outage: one line here, the details in the log
            report_crash(exc)
            raise typer.Exit(EXIT_CRASH) from None

    return wrapper  # type: ignore[return-value]


def report_crash(exc: BaseException) -> None:
    """A bug: its details to the crash log, one Chinese line on stderr naming the log."""
    where = _log_crash(exc)
    from tui.work.crashlog import redact

    err.print(
        _(
            "[bold red]程序出错[/]：{error}：{message}\n详细信息已写入 {where}，请把该文件交给维护人员"
        ).format(
            error=escape(type(exc).__name__),
            message=escape(redact(str(exc))[:200]),
            where=escape(str(where)),
        )
    )


def _log_crash(exc: BaseException) -> Path:
    from tui.work.crashlog import log_crash

    return log_crash(exc)


class NoDatabase(DomainError):
    """A command that only reads found no database: it creates none (``readonly``)."""

    code = "db.none"


def open_context(config: Path | None, db: str | None, *, readonly: bool = False) -> Any:
    """The desk's config and database. A command that only reads (``readonly``) creates no
    database: a SQLite file that does not exist, or a database without the desk's tables, is
    ``NoDatabase``; any other command creates and migrates a new one, as the desk does."""
    from tui.work.context import load_context

    if not readonly:
        return load_context(config, db)
    from models.backup.sqlite import sqlite_file
    from models.config import load_config
    from models.opening import current_revision, open_database
    from tui.work.context import DeskContext

    cfg = load_config(config)
    if db:
        cfg.database_url = db
    file = sqlite_file(cfg.database_url)
    if file is not None and not file.exists():  # before an engine: making one creates the file
        raise NoDatabase(
            _(
                "还没有数据库：{file} 不存在。第一次启动受理台（desk）或运行 desk db upgrade 时创建，"
                "再用 desk campaign new 代码 --from 000 新建评审批次"
            ).format(file=file)
        )
    engine = open_database(cfg, auto_create=False)
    if current_revision(engine) is None:
        shown = engine.url.render_as_string(hide_password=True)
        engine.dispose()
        raise NoDatabase(
            _("还没有数据库：{url} 中没有受理台的表。请运行 desk db upgrade 创建").format(url=shown)
        )
    return DeskContext(config=cfg, engine=engine)


def acting(session: Any, user: str | None, desk: str, needs: Any = None) -> Any:
    """The actor for a state-changing command. On an empty database (first setup) the system
    acts; afterwards ``--user`` is required and authenticated. ``needs``: the action the
    command performs (an ``Action`` or its value, or a tuple of them): without ``--user`` the
    message names the roles that may. A user whose password was reset must first run
    ``desk user passwd``."""
    from models.errors import InvalidInput, PermissionDenied
    from models.permissions import POLICY, SYSTEM, Action, roles_text
    from models.services.users import authenticate, count_users

    if user is None:
        if count_users(session) == 0:
            return SYSTEM
        actions = [] if needs is None else [needs] if isinstance(needs, str) else list(needs)
        roles = frozenset().union(*(POLICY[Action(a)] for a in actions))
        if not roles:
            raise InvalidInput(_("请用 --user 指明操作人"), code="cli.no_user")
        raise InvalidInput(
            _("请用 --user 指明操作人（{roles}）").format(roles=roles_text(roles)),
            code="cli.no_user",
        )
    actor = authenticate(session, user, password_of(user), desk=desk)
    if actor.must_change_password:
        raise PermissionDenied(
            _(
                "{user} 的密码已被重置，须先设置新密码：请运行 desk user passwd --user {user}"
            ).format(user=actor.username),
            code="auth.must_change_password",
        )
    return actor


def password_of(user: str, env: str = "DESK_PASSWORD") -> str:
    """``user``'s password: from the environment variable ``env``, else asked at the terminal."""
    from models.errors import InvalidInput

    password = os.environ.get(env)
    if password is None:
        if not sys.stdin.isatty():
            raise InvalidInput(
                _("请在 {env} 环境变量中提供 {user} 的密码").format(env=env, user=user),
                code="cli.no_password",
            )
        password = getpass.getpass(_("{user} 的密码：").format(user=user))
    return password


def campaign_of(session: Any, code: str | None, configured: str) -> Any:
    """The campaign a command works on: ``--campaign``, else the configured one, else the only
    one there is."""
    from models.errors import InvalidInput
    from models.services.campaigns import get_campaign, list_campaigns

    if code or configured:
        return get_campaign(session, code or configured)
    campaigns = list_campaigns(session)
    if not campaigns:
        raise InvalidInput(
            _(
                "还没有评审批次：负责人可用 desk campaign new 代码 --from 000 从预设新建"
                "（desk campaign list 列出预设），或用 desk campaign load 文件.toml 载入"
            ),
            code="cli.no_campaign",
        )
    if len(campaigns) > 1:
        raise InvalidInput(
            _(
                "有 {count} 个评审批次（{codes}）：请用 --campaign 指明，"
                '或在配置文件中写 campaign = "代码"'
            ).format(count=len(campaigns), codes="、".join(c.code for c in campaigns)),
            code="cli.which_campaign",
        )
    return campaigns[0]
