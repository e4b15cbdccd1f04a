"""The checks of ``desk doctor`` that need no device: the result type (``Check``), the
database (through ``models.health``), the campaign and its time zone, the server's clock, the
language. Registers no command (``tui.cli.doctor`` does); never imports Textual. What a check
needs is imported inside it, as in every command module: ``desk --help`` pays for none."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from models.i18n import _

CLOCK_SKEW = dt.timedelta(minutes=2)
DEFAULT_ZONE = "Asia/Shanghai"  # a campaign file without timezone gets it (models/campaign.py)  # more than this between the desk and the server: warn


@dataclass(frozen=True)
class Check:
    id: str  # stable, the same in every language: "db.schema", "tz", "printer.receipt"
    area: str  # the label, in the desk's language
    status: str  # ok | warn | fail
    found: str
    fix: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "label": self.area,
            "status": self.status,
            "found": self.found,
            "fix": self.fix,
        }


def check_ok(id: str, area: str, found: str) -> Check:
    return Check(id, area, "ok", found)


def check_warn(id: str, area: str, found: str, fix: str = "") -> Check:
    return Check(id, area, "warn", found, fix)


def check_fail(id: str, area: str, found: str, fix: str = "") -> Check:
    return Check(id, area, "fail", found, fix)


def database_checks(cfg: Any) -> list[Check]:
    from models.health import probe

    area = _("数据库")
    health = probe(cfg)
    shown = health.shown
    if health.missing_file:
        return [
            check_warn(
                "db.reachable",
                area,
                _("{url}：文件还不存在").format(url=shown),
                _("第一次启动受理台（desk）或 desk db upgrade 时会创建"),
            )
        ]
    out: list[Check] = []
    if health.head is not None:
        if health.schema_ok:
            out.append(
                check_ok(
                    "db.schema",
                    area,
                    _("{url}，结构版本 {revision}").format(url=shown, revision=health.current),
                )
            )
        else:
            out.append(
                check_fail(
                    "db.schema",
                    area,
                    _("{url}：结构版本 {current}，程序需要 {head}").format(
                        url=shown, current=health.current or _("（空库）"), head=health.head
                    ),
                    _("运行 desk db upgrade（先停止其他受理台）"),
                )
            )
            return out
    if health.quick_check is not None:
        whole = _("数据库完整性")
        out.append(
            check_ok("db.integrity", whole, _("SQLite 快速检查通过"))
            if health.quick_check == "ok"
            else check_fail(
                "db.integrity",
                whole,
                _("SQLite 快速检查：{result}").format(result=health.quick_check),
                _("从最近的备份恢复（desk restore），见 docs/zh/backup.md"),
            )
        )
    if health.server_now is not None:
        out.append(_clock(health.server_now))
    if health.counted:
        out += _campaign(cfg, health)
        out.append(
            check_ok("users", _("用户"), _("{count} 个").format(count=health.users))
            if health.users
            else check_warn(
                "users",
                _("用户"),
                _("还没有用户"),
                _("desk user add 名字 --role admin（先建管理员，再由管理员添加负责人）"),
            )
        )
    if health.error is not None:
        out.append(
            check_fail(
                "db.reachable",
                area,
                _("{url}：{reason}").format(url=shown, reason=health.error),
                _("检查数据库服务器是否在运行、地址和密码是否正确，见 docs/zh/multi-desk.md"),
            )
        )
    return out


def _campaign(cfg: Any, health: Any) -> list[Check]:
    """The campaign the desk works on: the configured one, or the only one in the database."""
    area = _("评审批次")
    if cfg.campaign:
        if health.chosen is None:
            return [
                check_fail(
                    "campaign",
                    area,
                    health.chosen_error,
                    _("改正配置文件的 campaign，或 desk campaign new"),
                )
            ]
        c = health.chosen
        return [check_ok("campaign", area, f"{c.code}：{c.title}"), zone_check(c.timezone)]
    if len(health.campaigns) == 1:
        c = health.campaigns[0]
        return [check_ok("campaign", area, f"{c.code}：{c.title}"), zone_check(c.timezone)]
    return [
        check_warn(
            "campaign",
            area,
            _("数据库中有 {count} 个评审批次，配置文件未指定").format(count=len(health.campaigns)),
            _("新建：desk campaign new 代码 --from 000；多个时在配置文件写 campaign"),
        )
    ]


def _clock(server_now: Any) -> Check:
    here = dt.datetime.now(dt.UTC)
    skew = abs(here - server_now)
    area = _("时钟")
    if skew > CLOCK_SKEW:
        return check_warn(
            "db.clock",
            area,
            _("本机与数据库服务器相差 {seconds:.0f} 秒").format(seconds=skew.total_seconds()),
            _("校准本机时间（Windows：设置 → 时间和语言 → 立即同步）"),
        )
    return check_ok(
        "db.clock",
        area,
        _("本机与数据库服务器相差 {seconds:.1f} 秒").format(seconds=skew.total_seconds()),
    )


def zone_check(name: str | None) -> Check:
    """The campaign's time zone (``name``), or without a campaign the default one every new
    campaign gets: known to this machine (tzdata), its time now, and this machine's own zone
    (times are shown in the campaign's, whatever the machine's is)."""
    import zoneinfo

    area = _("时区")
    shown = name or DEFAULT_ZONE
    try:
        zone = zoneinfo.ZoneInfo(shown)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return check_fail(
            "tz",
            area,
            _("评审批次的时区“{zone}”不存在").format(zone=shown),
            _("重新安装受理台（tzdata 随程序安装）"),
        )
    now = dt.datetime.now(zone)
    local = dt.datetime.now().astimezone()
    return check_ok(
        "tz",
        area,
        _("{zone}{default}：现在 {now:%Y-%m-%d %H:%M}（UTC{offset}）；本机时区 UTC{local}").format(
            zone=shown,
            default="" if name else _("（新建评审批次的默认时区）"),
            now=now,
            offset=now.strftime("%z"),
            local=local.strftime("%z"),
        ),
    )


def language_check(cfg: Any) -> Check:
    from models import i18n

    area = _("界面语言")
    try:
        lang = i18n.normalise(cfg.language)
        i18n.catalog(lang)
    except (i18n.UnknownLanguage, OSError) as exc:
        return check_fail("language", area, str(exc), _("配置文件 language 用 zh_CN 或 en"))
    return check_ok(
        "language",
        area,
        _("配置：{configured}；本次运行：{current}").format(
            configured=i18n.LANGUAGES[lang], current=i18n.LANGUAGES[i18n.current()]
        ),
    )
