"""The ``desk`` command. Only the TUI path imports Textual (tested in test_import_hygiene)."""

from __future__ import annotations

import functools
import getpass
import inspect
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from models.errors import DomainError
from models.i18n import _

app = typer.Typer(
    name="desk",
    help=_("职称评审委员会办公室 纸质材料受理与收费台（committee-desk）"),
    no_args_is_help=False,
    add_completion=True,
    rich_markup_mode="rich",
)
db_app = typer.Typer(help=_("数据库：升级结构、查看版本"))
user_app = typer.Typer(help=_("用户：添加、列出、停用、启用、重置密码、更改角色（管理员）；修改自己的密码（每个用户）"))
campaign_app = typer.Typer(help=_("评审批次：列出、查看、载入文件、从预设新建、设定收费标准"))
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(campaign_app, name="campaign")

out = Console(highlight=False, soft_wrap=True, markup=False)  # data may hold [brackets]
err = Console(stderr=True, highlight=False, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help=_("配置文件路径（默认在用户配置目录）"), envvar="DESK_CONFIG")
]
DbOpt = Annotated[str | None, typer.Option("--db", help=_("数据库 URL（覆盖配置文件和 DESK_DATABASE_URL）"))]
UserOpt = Annotated[
    str | None, typer.Option("--user", "-u", help=_("操作人用户名；密码从 DESK_PASSWORD 或提示输入"))
]
JsonOpt = Annotated[bool, typer.Option("--json", help=_("以 JSON 输出"))]
CampaignOpt = Annotated[str | None, typer.Option("--campaign", "-c", help=_("评审批次代码"))]
PrefixOpt = Annotated[str | None, typer.Option(
    "--prefix", help=_("本批次的编号前缀，如 ZJ25：受理编号 ZJ25S00001、收据号 ZJ25F00001、通知 ZJ25B00001（各批次不能相同）"))]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("committee-desk")
    except PackageNotFoundError:
        return "0+unknown"


def handle_errors(fn: F) -> F:
    """Domain errors become one Chinese line on stderr and exit status 1, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            err.print(_("[bold red]错误[/]：{message}  [dim]({code})[/]").format(message=escape(exc.message), code=exc.code))
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print(_("已取消"))
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug or an outage: one line here, the details in the log
            where = _log_crash(exc)
            from tui.crashlog import redact

            err.print(_("[bold red]程序出错[/]：{name__}：{value}\n详细信息已写入 {where}，请把该文件交给维护人员").format(name__=escape(type(exc).__name__), value=escape(redact(str(exc))[:200]), where=escape(str(where))))
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _log_crash(exc: BaseException) -> Path:
    from tui.crashlog import log_crash

    return log_crash(exc)


def _context(config: Path | None, db: str | None) -> Any:
    from tui.context import load_context

    return load_context(config, db)


def _acting(session: Any, user: str | None, desk: str, needs: Any = None) -> Any:
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
        raise InvalidInput(_("请用 --user 指明操作人（{roles}）").format(roles=roles_text(roles)),
                           code="cli.no_user")
    actor = authenticate(session, user, _password(user), desk=desk)
    if actor.must_change_password:
        raise PermissionDenied(
            _("{user} 的密码已被重置，须先设置新密码：请运行 desk user passwd --user {user}").format(
                user=actor.username),
            code="auth.must_change_password")
    return actor


def _password(user: str, env: str = "DESK_PASSWORD") -> str:
    """``user``'s password: from the environment variable ``env``, else asked at the terminal."""
    from models.errors import InvalidInput

    password = os.environ.get(env)
    if password is None:
        if not sys.stdin.isatty():
            raise InvalidInput(_("请在 {env} 环境变量中提供 {user} 的密码").format(env=env, user=user),
                               code="cli.no_password")
        password = getpass.getpass(_("{user} 的密码：").format(user=user))
    return password


def _campaign(session: Any, code: str | None, configured: str) -> Any:
    """The campaign a command works on: ``--campaign``, else the configured one, else the only
    one there is."""
    from models.errors import InvalidInput
    from models.services.campaigns import get_campaign, list_campaigns

    if code or configured:
        return get_campaign(session, code or configured)
    campaigns = list_campaigns(session)
    if len(campaigns) != 1:
        raise InvalidInput(_("有多个评审批次：请用 --campaign 指明"), code="cli.which_campaign")
    return campaigns[0]


def _defaults_for(command: Any, given: dict[str, Any]) -> dict[str, Any]:
    """Click's ``default_map`` giving ``given`` to every command below ``command`` (a group has
    ``commands``) that has such an option."""
    commands = getattr(command, "commands", None)
    if isinstance(commands, dict):
        return {name: _defaults_for(sub, given) for name, sub in commands.items()}
    names = {p.name for p in command.params}
    return {k: v for k, v in given.items() if k in names}


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    demo: Annotated[bool, typer.Option("--demo", help=_("在临时演示数据库上启动（预设 000，演示用户）"))] = False,
    version: Annotated[bool, typer.Option("--version", help=_("显示版本号"))] = False,
    config: ConfigOpt = None,
    db: DbOpt = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", help=_("界面语言：zh_CN（简体中文，默认）或 en（English）；也可用 DESK_LANG 或配置文件的 language"),
        envvar="DESK_LANG")] = None,
) -> None:
    """不带子命令时启动受理台界面（Textual）。"""
    # ``lang`` was applied by ``tui.launch`` before this module was imported (the help above is
    # already in it); it is declared here so that ``--lang`` is accepted and shown.
    del lang
    if version:
        out.print(f"committee-desk {_version()}")
        raise typer.Exit()
    if ctx.invoked_subcommand is not None:
        # ``desk --db URL audit verify``: the options before the command hold for it (its own
        # ``--db``/``--config`` after it still win), as Click's defaults for every command
        if demo:
            err.print(_("[bold red]错误[/]：--demo 只用于启动受理台界面，不能与子命令一起使用"))
            raise typer.Exit(2)
        given = {k: v for k, v in (("db", db), ("config", config)) if v}
        if given:
            ctx.default_map = _defaults_for(ctx.command, given)
        return
    _run_tui(demo=demo, config=config, db=db)


@handle_errors
def _run_tui(*, demo: bool, config: Path | None, db: str | None) -> None:
    from models.config import load_config

    cfg = load_config(config)
    demo_dir = None
    if demo:
        demo_dir = tempfile.TemporaryDirectory(prefix="desk-demo-")
        cfg.database_url = f"sqlite:///{Path(demo_dir.name) / 'demo.sqlite3'}"
        cfg.campaign = ""
    elif db:
        cfg.database_url = db
    from tui.app import make_app

    try:
        desk_app = make_app(cfg, demo=demo)
        desk_app.run()
    finally:
        if demo_dir is not None:
            demo_dir.cleanup()


@db_app.command("upgrade")
@handle_errors
def db_upgrade(config: ConfigOpt = None, db: DbOpt = None) -> None:
    """把数据库结构升级到最新版本（新数据库会被创建）。"""
    from models import migrate
    from models.config import load_config
    from models.db import make_engine

    cfg = load_config(config)
    engine = make_engine(db or cfg.database_url, timeouts=cfg.timeouts)
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    shown = engine.url.render_as_string(hide_password=True)
    if before == after:
        out.print(_("数据库 {shown} 已是最新版本 {after}").format(shown=shown, after=after))
    else:
        out.print(_("数据库 {shown} 已从 {value} 升级到 {after}").format(shown=shown, value=before or _("空库"), after=after))


@db_app.command("current")
@handle_errors
def db_current(config: ConfigOpt = None, db: DbOpt = None) -> None:
    """显示数据库结构版本与程序所需版本。"""
    from models import migrate
    from models.config import load_config
    from models.db import make_engine

    cfg = load_config(config)
    engine = make_engine(db or cfg.database_url, timeouts=cfg.timeouts)
    out.print(_("数据库：{value}").format(value=engine.url.render_as_string(hide_password=True)))
    out.print(_("当前版本：{value}；程序需要：{value2}").format(value=migrate.current_revision(engine) or _("（空库）"), value2=migrate.head_revision()))


@campaign_app.command("list")
@handle_errors
def campaign_list(config: ConfigOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """列出数据库中的评审批次，以及随程序提供的预设。"""
    from models.db import session_scope
    from models.presets import preset_files
    from models.services.campaigns import list_campaigns

    dctx = _context(config, db)
    with session_scope(dctx.engine, readonly=True) as session:
        rows = [(c.code, c.year, c.title, c.place) for c in list_campaigns(session)]
    presets = [p.name.removesuffix(".toml") for p in preset_files()]
    if as_json:
        out.print_json(json.dumps({
            "campaigns": [{"code": r[0], "year": r[1], "title": r[2], "place": r[3]} for r in rows],
            "presets": presets,
        }, ensure_ascii=False))
        return
    table = Table(title=_("评审批次"), show_lines=False)
    for col in (_("代码"), _("年度"), _("名称"), _("受理地点")):
        table.add_column(col)
    for r in rows:
        table.add_row(r[0], str(r[1]), r[2], r[3])
    if rows:
        out.print(table)
    else:
        out.print(_("数据库中还没有评审批次。"))
    out.print(_("可用预设：") + "、".join(presets))
    out.print(_("[dim]从预设新建：desk campaign new 代码 --from 000[/]"), markup=True)


@campaign_app.command("show")
@handle_errors
def campaign_show(
    code: Annotated[str, typer.Argument(help=_("评审批次代码，或预设名（如 000）"))],
    config: ConfigOpt = None, db: DbOpt = None, as_json: JsonOpt = False,
) -> None:
    """显示一个评审批次：受理地点、报送时间、收费标准、材料清单。"""
    from models.db import session_scope
    from models.errors import NotFound
    from tui.campaign_view import CampaignView, campaign_summary, render_summary

    dctx = _context(config, db)
    with session_scope(dctx.engine, readonly=True) as session:
        try:
            summary = campaign_summary(session, code)
        except NotFound:
            from models.campaign_spec import parse_campaign
            from models.services.campaigns import read_preset

            try:
                filename, text = read_preset(code)
            except NotFound:
                raise NotFound(_("数据库中没有评审批次“{code}”，也没有同名预设").format(code=code),
                               code="campaign.not_found") from None
            summary = CampaignView.from_spec(parse_campaign(text, filename))
    if as_json:
        out.print_json(json.dumps(summary.to_json(), ensure_ascii=False))
        return
    render_summary(out, summary)


@campaign_app.command("load")
@handle_errors
def campaign_load(
    file: Annotated[Path, typer.Argument(help=_("评审批次文件（TOML，UTF-8）"))],
    prefix: PrefixOpt = None,
    user: UserOpt = None, config: ConfigOpt = None, db: DbOpt = None,
) -> None:
    """从文件载入一个评审批次（负责人或管理员）。"""
    from models.db import session_scope
    from models.services.campaigns import load_campaign, read_campaign_file

    text = read_campaign_file(file)
    dctx = _context(config, db)
    with session_scope(dctx.engine) as session:
        actor = _acting(session, user, dctx.config.desk, "campaign.load")
        campaign = load_campaign(session, actor, text, filename=str(file), prefix=prefix)
        out.print(_("已载入评审批次 {code}：{title}").format(code=campaign.code, title=campaign.title))


@campaign_app.command("new")
@handle_errors
def campaign_new(
    code: Annotated[str, typer.Argument(help=_("新批次代码，如 bz-vocational-2025"))],
    preset: Annotated[str, typer.Option("--from", help=_("预设名或编号（000–003），或 TOML 文件路径"))],
    prefix: PrefixOpt = None,
    user: UserOpt = None, config: ConfigOpt = None, db: DbOpt = None,
) -> None:
    """从预设或文件新建评审批次（负责人或管理员）。"""
    from models.db import session_scope
    from models.services.campaigns import new_from_preset

    dctx = _context(config, db)
    with session_scope(dctx.engine) as session:
        actor = _acting(session, user, dctx.config.desk, "campaign.new")
        campaign = new_from_preset(session, actor, code, preset, prefix=prefix)
        out.print(_("已新建评审批次 {code}：{title}").format(code=campaign.code, title=campaign.title))


@campaign_app.command("set-fee")
@handle_errors
def campaign_set_fee(
    code: Annotated[str, typer.Argument(help=_("评审批次代码"))],
    track: Annotated[str, typer.Argument(help=_("申报类型：评审 | 初次确定 | 授予"))],
    level: Annotated[str, typer.Argument(help=_("级别：初级 | 中级 | 高级"))],
    amount: Annotated[str, typer.Argument(help=_("金额（元），如 380 或 380.50"))],
    reason: Annotated[str, typer.Option("--reason", help=_("设定依据，如文件名称和文号"))],
    user: UserOpt = None, config: ConfigOpt = None, db: DbOpt = None,
) -> None:
    """设定（或更正）收费标准（负责人）。"""
    from models.db import session_scope
    from models.money import Money
    from models.services.campaigns import get_campaign, set_fee

    money = Money.parse(amount)
    dctx = _context(config, db)
    with session_scope(dctx.engine) as session:
        actor = _acting(session, user, dctx.config.desk, "fee.set")
        session.commit()
        campaign = get_campaign(session, code)
        assert campaign.id is not None
        rule = set_fee(session, actor, campaign.id, track, level, money, reason=reason)
        out.print(_("已设定 {code} {track}{level} 评审费 {money} 元（{money_capitals}）").format(code=campaign.code, track=rule.track, level=rule.level, money=money.figures(), money_capitals=money.capitals()))


@campaign_app.command("extend-window")
@handle_errors
def extend_window_cmd(
    code: Annotated[str, typer.Argument(help=_("评审批次代码"))],
    until: Annotated[str, typer.Option("--until", help=_("延长至：2021-10-12（当天下班）或 2021-10-12 18:00"))],
    reason: Annotated[str, typer.Option("--reason", help=_("原因（必填，记入审计）"))],
    series: Annotated[str | None, typer.Option("--series", help=_("只延长某一系列（默认全部系列）"))] = None,
    user: UserOpt = None, config: ConfigOpt = None, db: DbOpt = None,
) -> None:
    """延长纸质材料报送时间（负责人）：逾期者可在延长期内受理；原通知的时间不改。"""
    from models.db import session_scope
    from models.services.campaigns import get_campaign
    from models.services.intake import extend_window, parse_local_time

    dctx = _context(config, db)
    with session_scope(dctx.engine) as session:
        actor = _acting(session, user, dctx.config.desk, "window.extend")
        campaign = get_campaign(session, code)
        w = extend_window(session, actor, campaign, until=parse_local_time(until, campaign),
                          reason=reason, series=series)
        end = w.ends_at.astimezone(campaign.zone)
    out.print(_("已延长 {code} 的纸质材料报送时间至 {end:%Y-%m-%d %H:%M}{value}；原因：{value2}").format(code=code, end=end, value='（' + series + '）' if series else '', value2=' '.join(reason.split())))


@campaign_app.command("set-window")
@handle_errors
def set_window_cmd(
    code: Annotated[str, typer.Argument(help=_("评审批次代码"))],
    start: Annotated[str, typer.Option("--start", help=_("开始：2023-10-09 或 2023-10-09 10:00"))],
    end: Annotated[str, typer.Option("--end", help=_("结束：2023-10-20（当天结束）或 2023-10-20 18:00"))],
    reason: Annotated[str, typer.Option("--reason", help=_("依据（必填，记入审计），如文件名称和文号"))],
    series: Annotated[str | None, typer.Option("--series", help=_("只设定某一系列（默认全部系列）"))] = None,
    user: UserOpt = None, config: ConfigOpt = None, db: DbOpt = None,
) -> None:
    """设定纸质材料报送时间（负责人）：通知未载明时（如 001），设定后受理台才受理纸质材料。"""
    from models.db import session_scope
    from models.services.campaigns import get_campaign, set_window, window_text
    from models.services.intake import parse_local_time

    dctx = _context(config, db)
    with session_scope(dctx.engine) as session:
        actor = _acting(session, user, dctx.config.desk, "window.extend")
        campaign = get_campaign(session, code)
        w = set_window(session, actor, campaign,
                       starts_at=parse_local_time(start, campaign, start=True),
                       ends_at=parse_local_time(end, campaign), reason=reason, series=series)
        shown = window_text(campaign, w)
    out.print(_("已设定 {code} 的纸质材料报送时间：{when}{series}；依据：{reason}").format(
        code=code, when=shown, series=f"（{series}）" if series else "",
        reason=" ".join(reason.split())))


def _register_subcommands() -> None:
    import tui.cli_users  # noqa: F401  (its commands join ``user_app``)
    from tui.cli_audit import audit_app
    from tui.cli_backup import backup_cmd, restore_cmd
    from tui.cli_bank import bank_app
    from tui.cli_doctor import doctor_cmd
    from tui.cli_handover import roster_app
    from tui.cli_import import import_app, reconcile_cmd
    from tui.cli_pay import pay_cmd
    from tui.cli_printing import print_app, printer_app
    from tui.cli_serve import serve_cmd
    from tui.cli_summary import summary_cmd
    from tui.cli_tally import tally_app

    app.add_typer(import_app, name="import")
    app.command("reconcile")(reconcile_cmd)
    app.add_typer(print_app, name="print")
    app.add_typer(printer_app, name="printer")
    app.command("pay")(handle_errors(pay_cmd))
    app.add_typer(bank_app, name="bank")
    app.add_typer(roster_app, name="roster")
    app.add_typer(tally_app, name="tally")
    app.command("summary")(summary_cmd)
    app.command("backup")(backup_cmd)
    app.command("restore")(restore_cmd)
    app.add_typer(audit_app, name="audit")
    app.command("serve")(serve_cmd)
    app.command("doctor")(doctor_cmd)


_register_subcommands()

# A docstring's line break between two Chinese characters is no space: Click joins the lines
# of a paragraph with one ("收取时的审计 记录比对"), so the help is joined here first. The joined
# docstring is the command's message id: its help is shown in the desk's language.
_CJK_BREAK = re.compile(r"(?<=[^\x00-\x7f])[ \t]*\n[ \t]*(?=[^\x00-\x7f\n])")
_HELP_ID = "__desk_help_msgid__"


def _commands(typer_app: typer.Typer) -> Iterator[Callable[..., Any]]:
    for command in typer_app.registered_commands:
        if command.callback is not None:
            yield command.callback
    if typer_app.registered_callback is not None and typer_app.registered_callback.callback:
        yield typer_app.registered_callback.callback
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            yield from _commands(group.typer_instance)


def _translate_help(typer_app: typer.Typer) -> None:
    for fn in _commands(typer_app):
        msgid = getattr(fn, _HELP_ID, None)
        if msgid is None and fn.__doc__:
            msgid = _CJK_BREAK.sub("", inspect.cleandoc(fn.__doc__))
            setattr(fn, _HELP_ID, msgid)
        if msgid:
            fn.__doc__ = _(msgid)


def command_helps(typer_app: typer.Typer) -> Iterator[tuple[str, str]]:
    """(message id, module) of every command's help: what ``scripts/i18n.py`` extracts."""
    for fn in _commands(typer_app):
        msgid = getattr(fn, _HELP_ID, None)
        if msgid:
            yield msgid, fn.__module__.replace(".", "/") + ".py"


_translate_help(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
