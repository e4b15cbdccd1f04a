"""``desk print …`` and ``desk printer …``. Imported by tui.cli; never imports Textual."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from models.i18n import _
from tui.cli.common import (
    CampaignOpt,
    ConfigOpt,
    DbOpt,
    UserOpt,
    acting,
    app,
    campaign_of,
    err,
    handle_errors,
    open_context,
    out,
)

print_app = typer.Typer(help=_("打印：预览单据，查看和重试打印任务"))
printer_app = typer.Typer(help=_("打印机：列出、测试、状态、校准、查看配置"))

KIND_HELP = _(
    "receipt 缴费凭证 | void 作废单 | label 档案袋标签 | materials 材料目录 | acceptance 受理回执 | notice 一次性告知单 | tally 日结报表 | test 测试页"
)


@print_app.command("preview")
@handle_errors
def preview(
    kind: Annotated[str, typer.Argument(help=KIND_HELP)],
    width: Annotated[int, typer.Option("--width", help=_("纸宽 58 或 80（毫米）"))] = 80,
    fmt: Annotated[str, typer.Option("--format", help="text | png | escpos | bytes")] = "text",
    out_file: Annotated[
        Path | None, typer.Option("--out", help=_("输出文件（png/escpos 必填）"))
    ] = None,
    encoding: Annotated[str, typer.Option("--encoding", help="gbk | gb18030 | gb2312")] = "gbk",
    barcode: Annotated[str, typer.Option("--barcode", help="native | raster")] = "native",
    image_mode: Annotated[bool, typer.Option("--image-mode", help=_("整张按图像打印"))] = False,
    language: Annotated[
        str, typer.Option("--language", help=_("标签打印机语言 escpos | tspl | zpl"))
    ] = "escpos",
    size: Annotated[str, typer.Option("--size", help=_("标签尺寸（毫米），如 60x40"))] = "60x40",
    dpi: Annotated[int, typer.Option("--dpi", help="203 | 300")] = 203,
    receipt_no: Annotated[
        str | None, typer.Option("--receipt", help=_("按收据号取真实记录"))
    ] = None,
    dossier_no: Annotated[
        str | None, typer.Option("--dossier", help=_("按受理编号取真实记录"))
    ] = None,
    notice_no: Annotated[
        str | None, typer.Option("--notice", help=_("按告知单号取真实记录"))
    ] = None,
    campaign: CampaignOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """预览一种单据（文字、PNG 或 ESC/POS 字节）：示例数据（印“样张”），或 --receipt/--dossier/--notice 的真实记录（须登录；作为重印记入审计，印“重印 n”）。"""
    from models.errors import InvalidInput
    from models.files import check_writable, save_private
    from printers.config import parse_printer
    from printers.document import layout, marked
    from printers.fonts import find_cjk_font
    from printers.label_render import label_png
    from printers.preview import render_png, render_text
    from printers.samples import KINDS, sample_document
    from tui.work.printing import render_bytes

    if kind not in KINDS:
        raise InvalidInput(
            _("未知的单据“{kind}”：可选 {KIND_HELP}").format(kind=kind, KIND_HELP=KIND_HELP),
            code="print.bad_kind",
        )
    if fmt not in ("text", "png", "escpos", "bytes"):
        raise InvalidInput(_("--format 应为 text、png、escpos 或 bytes"), code="print.bad_format")
    if out_file is not None:
        check_writable(out_file)  # before a record is looked up
    settings: dict[str, object] = {
        "width": width,
        "encoding": encoding,
        "barcode": barcode,
        "image_mode": image_mode,
    }
    if language != "escpos":  # a label printer's label: on its stock, in its language
        settings |= {"language": language, "size": size, "dpi": dpi}
    cfg = parse_printer("label" if language != "escpos" else "preview", settings, _("命令行"))
    if receipt_no or dossier_no or notice_no:
        # a real record: a copy like a reprint (login, permission, audit, 重印 n), made and
        # recorded in one transaction before anything is shown or written
        from models.db import session_scope
        from models.services.printing import REPRINTABLE
        from tui.work.printing import preview_copy
        from tui.work.records import record_document

        action = REPRINTABLE.get(kind)
        dctx = open_context(config, db)
        with session_scope(dctx.engine) as session:
            actor = acting(
                session,
                user,
                dctx.config.desk,
                (str(action),) if action else ("receipt.reprint", "dossier.reprint"),
            )
            session.commit()  # the login's audit stays even if the copy is refused
            c = campaign_of(session, campaign, dctx.config.campaign)
            if action is None:  # its message says which kinds can be taken from a record
                record_document(
                    session,
                    c,
                    kind,
                    receipt_code=receipt_no,
                    dossier_code=dossier_no,
                    notice_code=notice_no,
                )
            doc, _job = preview_copy(
                session,
                actor,
                c,
                kind,
                cfg,
                fmt,
                receipt_code=receipt_no,
                dossier_code=dossier_no,
                notice_code=notice_no,
            )
    else:
        doc = marked(sample_document(kind, width, encoding), "样张")
    if fmt == "text":
        text = render_text(layout(doc, cfg.paper))
        if out_file:
            save_private(out_file, text)
            out.print(_("已写入 {out_file}").format(out_file=out_file))
        else:
            sys.stdout.write(text)
        return
    if out_file is None:
        out_file = Path(f"{kind}-{width}.{'png' if fmt == 'png' else 'bin'}")
    check_writable(out_file)
    if fmt == "png":
        png = io.BytesIO()
        if cfg.label.language != "escpos":  # the label at its real size, in dots
            label_png(doc, cfg.label, find_cjk_font()).save(
                png, format="PNG", dpi=(cfg.label.stock.dpi, cfg.label.stock.dpi)
            )
        else:
            render_png(layout(doc, cfg.paper), find_cjk_font()).save(png, format="PNG")
        data = png.getvalue()
    else:
        data = render_bytes(doc, cfg)
    save_private(out_file, data)  # 0600: a real record's copy holds a name and an amount
    out.print(_("已写入 {out_file}（{st_size} 字节）").format(out_file=out_file, st_size=len(data)))


@print_app.command("jobs")
@handle_errors
def jobs(
    failed: Annotated[bool, typer.Option("--failed", help=_("只看打印失败的"))] = False,
    limit: Annotated[int, typer.Option("--limit")] = 30,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """列出最近的打印任务（任何角色，须 --user）。"""
    from rich.table import Table

    from models.db import session_scope
    from models.services.printing import list_jobs
    from models.vocab import PrintJobStatus

    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "print.retry")
        session.commit()  # the login's audit
        status = PrintJobStatus.failed if failed else None
        rows = list_jobs(session, actor, status=status, limit=limit)
        table = Table(title=_("打印任务"))
        for heading in (
            _("编号"),
            _("单据"),
            _("打印机"),
            _("窗口"),
            _("状态"),
            _("次数"),
            _("原因"),
        ):
            table.add_column(heading, overflow="fold")
        for j in rows:
            table.add_row(
                str(j.id),
                j.document,
                j.printer,
                j.desk,
                PrintJobStatus(j.status).label,
                str(j.attempts),
                j.error,
            )
    out.print(table if rows else _("没有打印任务。"))


@print_app.command("retry")
@handle_errors
def retry(
    job_id: Annotated[int, typer.Argument(help=_("打印任务编号（desk print jobs）"))],
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """重新发送一个打印失败的任务（同样的内容）。"""
    from models.db import session_scope
    from models.services.printing import request_retry
    from tui.work.printing import DeskPrinters, send_job

    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "print.retry")
        request_retry(session, actor, job_id)
    job = send_job(dctx.engine, DeskPrinters.from_config(dctx.config), job_id)
    if job.status == "sent":
        out.print(_("打印任务 {job_id} 已发送到打印机").format(job_id=job_id))
    else:
        err.print(
            _("[red]打印任务 {job_id} 仍然失败[/]：{error}").format(
                job_id=job_id, error=escape(job.error)
            )
        )
        raise typer.Exit(1)


@print_app.command("reprint")
@handle_errors
def reprint_cmd(
    kind: Annotated[
        str, typer.Argument(help="receipt | void | label | materials | acceptance | notice")
    ],
    number: Annotated[str, typer.Argument(help=_("收据号、受理编号或告知单号"))],
    campaign: CampaignOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """重印一份单据（印“重印 n”），记入审计。"""
    from models.db import session_scope
    from tui.work.printing import DeskPrinters, reprint, send_job

    dctx = open_context(config, db)
    printers = DeskPrinters.from_config(dctx.config)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, ("receipt.reprint", "dossier.reprint"))
        c = campaign_of(session, campaign, dctx.config.campaign)
        job = reprint(session, actor, printers, c, kind, number)
        job_id, copy_no = job.id, job.copy_no
    assert job_id is not None
    job = send_job(dctx.engine, printers, job_id)
    if job.status == "sent":
        out.print(
            _("已重印（重印 {copy_no}），打印任务 {job_id}").format(copy_no=copy_no, job_id=job_id)
        )
    else:
        err.print(
            _(
                "[red]重印已记录（打印任务 {job_id}），但打印失败[/]：{error}；可用 desk print retry {job_id} 重试"
            ).format(job_id=job_id, error=escape(job.error))
        )
        raise typer.Exit(1)


@printer_app.command("list")
@handle_errors
def printer_list(config: ConfigOpt = None) -> None:
    """列出本窗口配置的打印机。"""
    from models.config import load_config
    from tui.work.printing import DeskPrinters

    cfg = load_config(config)
    for name, p in DeskPrinters.from_config(cfg).configs.items():
        out.print(f"{name}：{p.describe()}", markup=False)


@printer_app.command("show-config")
@handle_errors
def printer_show_config(config: ConfigOpt = None) -> None:
    """显示配置文件位置和打印机设置的写法。"""
    from models.config import config_path, load_config

    cfg = load_config(config)
    out.print(
        _("配置文件：{path}（{state}）").format(
            path=cfg.path or config_path(),
            state=_("存在") if (cfg.path and cfg.path.exists()) else _("不存在，全部用默认值"),
        )
    )
    out.print(
        _("当前打印机设置：{printers}").format(
            printers=cfg.printers or _("（未设置：receipt 和 label 都是预览）")
        )
    )
    out.print(_("写法示例（复制到配置文件后按实际修改）："))
    out.print("\n".join(_config_example()), markup=False, highlight=False)


def _config_example() -> list[str]:
    """[printers.receipt] and [printers.label] as a config file holds them, each key with its
    comment in the desk's language (valid TOML: the lines can be copied as they are)."""

    def table(rows: list[tuple[str, str]]) -> list[str]:
        width = max(len(setting) for setting, _note in rows if setting) + 2
        return [f"{setting:<{width}}# {note}" if setting else f"# {note}" for setting, note in rows]

    receipt = [
        ("[printers.receipt]", _("收据打印机；信封标签打印机写在 [printers.label]")),
        ('connection = "network"', _("连接方式，可选值见下一行")),
        ("", "preview | file | network | usb | serial | win32raw | cups"),
        ('host = "192.168.1.50"', _("打印机地址（network）")),
        ("port = 9100", _("端口（network，默认 9100）")),
        ("width = 80", _("纸宽：58 或 80 毫米")),
        ("dots = 576", _("每行点数（默认 58→384，80→576；TM-T81/T82 为 512）")),
        ("cells = 48", _("每行字符数（默认为点数÷12；512 点为 42）")),
        ('encoding = "gbk"', _("编码：gbk | gb18030 | gb2312")),
        ("gb18030_four_byte = false", _("gb18030 时字库含 䶮、𠮷 等字；否则这些字按图像打印")),
        ('barcode = "native"', _("条码：native（打印机自带）| raster（图像）")),
        ('qr = "raster"', _("二维码：raster（图像）| native（打印机自带）")),
        ("image_mode = false", _("打印机没有中文字库时设为 true（整张按图像打印）")),
        ('font = ""', _("图像行和图像模式用的中文字体文件")),
        ("timeout = 10", _("超时（秒）")),
        ("", _('file 连接：path = "/dev/usb/lp0"')),
        ("", _("usb 连接：vendor = 0x0416, product = 0x5011")),
        ("", _('serial 连接：device = "/dev/ttyUSB0", baudrate = 9600')),
        ("", _('win32raw 连接：name = "XP-80C"；cups 连接：queue = "XP80"')),
    ]
    label = [
        ("[printers.label]", _("信封标签打印机")),
        ('connection = "network"', _("连接：写法同收据打印机")),
        ('host = "192.168.1.51"', _("打印机地址（network）")),
        ('language = "tspl"', _("指令语言：escpos（收据打印机打标签）| tspl | zpl")),
        ('size = "60x40"', _("标签宽×高（毫米）：40x30、60x40、100x70 等")),
        ('mark = "gap"', _("定位：gap（间隙）| black（黑标）| continuous（连续纸）")),
        ("gap = 2", _("间隙或黑标高度（毫米）")),
        ("dpi = 203", _("分辨率：203 | 300")),
        ("direction = 1", _("出纸方向：1 或 0（标签旋转 180°）")),
        ("density = 8", _("打印浓度 0–15")),
        ("speed = 4", _("打印速度 1–12（英寸/秒）")),
        ("copies = 1", _("每份档案打几张标签 1–5")),
        (
            'chinese = "resident"',
            _("tspl 中文：resident（打印机字库）| bitmap（图像）"),
        ),
    ]
    return [*table(receipt), "", *table(label)]


@printer_app.command("test")
@handle_errors
def printer_test(
    role: Annotated[str, typer.Argument(help="receipt | label")] = "receipt",
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """打印测试页（宽度、编码、条码、二维码），记录为打印任务。"""
    import getpass as gp

    from models.db import session_scope
    from models.permissions import Actor
    from models.vocab import Role
    from printers.document import marked
    from printers.labels import envelope_label
    from printers.samples import RARE, sample_dossier
    from printers.tally import test_page
    from tui.work.printing import DeskPrinters, queue_document, send_job

    dctx = open_context(config, db)
    printers = DeskPrinters.from_config(dctx.config)
    p = printers.config(role)
    actor = Actor(
        user_id=None, username=f"os:{gp.getuser()}"[:60], role=Role.clerk, desk=dctx.config.desk
    )
    if p.label.language != "escpos":
        # a label printer: a sample envelope label; its name 刘䶮 has a character outside
        # GB2312, so the label shows the resident font and a bitmap line side by side
        page = marked(envelope_label(sample_dossier(RARE)), "测试页")
    else:
        page = test_page(p.width, p.encoding, role)
    with session_scope(dctx.engine) as session:
        job = queue_document(session, actor, printers, page, role)
        job_id = job.id
    assert job_id is not None
    job = send_job(dctx.engine, printers, job_id)
    if job.status == "sent":
        out.print(_("测试页已发送：{p}").format(p=p.describe()))
    else:
        err.print(_("[red]测试页打印失败[/]：{error}").format(error=escape(job.error)))
        raise typer.Exit(1)


@printer_app.command("status")
@handle_errors
def printer_status(
    role: Annotated[str, typer.Argument(help="receipt | label")] = "receipt",
    config: ConfigOpt = None,
) -> None:
    """问打印机的状态（缺纸、上盖打开、卡纸、碳带……）；有问题时退出码 1。"""
    from models.config import load_config
    from tui.work.printing import DeskPrinters

    printers = DeskPrinters.from_config(load_config(config))
    p = printers.config(role)
    status = printers.factory(p).status()
    if status is None:
        reach = _("没有可问的打印机") if p.connection == "preview" else _("已连通（不回报状态）")
        out.print(
            _("{role}：{printer}，{reach}").format(role=role, printer=p.describe(), reach=reach)
        )
        return
    problem, warning = status.problem(), status.warning()
    if problem:
        err.print(_("{role}：{problem}").format(role=role, problem=problem), markup=False)
        raise typer.Exit(1)
    out.print(
        _("{role}：{printer}，应答正常").format(role=role, printer=p.describe())
        + (f"；{warning}" if warning else "")
    )


@printer_app.command("calibrate")
@handle_errors
def printer_calibrate(
    role: Annotated[str, typer.Argument(help="label")] = "label",
    config: ConfigOpt = None,
) -> None:
    """校准标签打印机（换标签纸后）：TSPL 发 GAPDETECT，ZPL 发 ~JC，打印机走几张标签测出间隙或黑标。"""
    from models.config import load_config
    from printers.errors import PrinterError
    from tui.work.printing import DeskPrinters

    printers = DeskPrinters.from_config(load_config(config))
    p = printers.config(role)
    if p.label.language == "escpos":
        raise PrinterError(
            _("{role} 是 ESC/POS 打印机：只有标签打印机（language = tspl 或 zpl）需要校准").format(
                role=role
            ),
            code="printer.not_a_label",
        )
    printers.factory(p).calibrate()
    out.print(
        _("已让 {role}（{printer}）校准：打印机会走过几张标签，停下后即可打印").format(
            role=role, printer=p.describe()
        )
    )


app.add_typer(print_app, name="print")
app.add_typer(printer_app, name="printer")
