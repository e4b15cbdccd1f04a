"""Typer's and Click's own words in the desk's language, and a help that fits 80 columns.

Typer (with the Click it carries, ``typer._click``) writes its help and usage errors in English,
fixed in its code: "Usage:", "Options", "Show this message and exit.", "Install completion for
the current shell.", "Missing argument 'code'.". ``install()`` puts the desk's words in their
place through ``_()`` (the English catalog gives Typer's own words back), and two matters of
layout: a long Chinese line is folded in its column instead of cut with "…" (a CJK run has no
space to wrap at, and Rich's table cells end such a "word" with an ellipsis), and a flag shows no
``<bool>`` (it takes no value). Registers no command; ``tui/cli/__init__.py`` installs it once,
after the language is chosen (``tui.launch``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from typer import core, rich_utils
from typer._click import formatting

from models.i18n import _


def _param_words() -> dict[str, str]:
    """The help of the options Typer and Click add to every command, by their English text."""
    return {
        "Show this message and exit.": _("显示本帮助并退出。"),
        "Install completion for the current shell.": _("为当前 shell 安装命令补全。"),
        "Show completion for the current shell, to copy it or customize the installation.": _(
            "显示当前 shell 的命令补全脚本，可复制或自行安装。"
        ),
    }


def _error_words() -> list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]:
    """Click's usage errors as Typer words them → the desk's sentence (what is not listed here
    stays as Click says it)."""
    return [
        (
            re.compile(r"^No such option: (?P<name>\S+)(?: \(Possible options: (?P<like>.+)\))?$"),
            lambda m: (
                _("没有选项 {name}").format(name=m["name"])
                + (_("（可用的选项：{options}）").format(options=m["like"]) if m["like"] else "")
            ),
        ),
        (
            re.compile(r"^Missing argument '(?P<name>[^']+)'\.$"),
            lambda m: _("缺少参数 {name}").format(name=m["name"]),
        ),
        (
            re.compile(r"^Missing option '(?P<name>[^']+)'\.$"),
            lambda m: _("缺少选项 {name}").format(name=m["name"]),
        ),
        (
            re.compile(
                r"^No such command '(?P<name>[^']+)'\.(?: Did you mean '(?P<like>[^']+)'\?)?$"
            ),
            lambda m: (
                _("没有命令 {name}").format(name=m["name"])
                + (_("；是不是 {command}？").format(command=m["like"]) if m["like"] else "")
            ),
        ),
        (
            re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$"),
            lambda m: _("多余的参数：{args}").format(args=m["args"]),
        ),
        (
            re.compile(r"^Option '(?P<name>[^']+)' requires an argument\.$"),
            lambda m: _("选项 {name} 需要一个值").format(name=m["name"]),
        ),
    ]


def translate_error(message: str) -> str:
    for pattern, say in _error_words():
        m = pattern.match(message)
        if m is not None:
            return say(m)
    return message


def _untyped_flags(original: Callable[..., Any]) -> Callable[..., Any]:
    def display_type_rich(self: Any, ctx: Any) -> str | None:
        return None if getattr(self, "is_flag", False) else original(self, ctx)

    return display_type_rich


def _folded(original: Callable[..., Any]) -> Callable[..., Any]:
    def make_rich_text(**kwargs: Any) -> Any:
        text = original(**kwargs)
        if hasattr(text, "overflow"):
            text.overflow = "fold"
        return text

    return make_rich_text


def _parameter_folded(original: Callable[..., Any]) -> Callable[..., Any]:
    def get_parameter_help(**kwargs: Any) -> Any:
        columns = original(**kwargs)  # the help, [default: …], [env var: …] side by side
        for item in getattr(columns, "renderables", []):
            if hasattr(item, "overflow"):
                item.overflow = "fold"
        return columns

    return get_parameter_help


def _help_in_words(original: Callable[..., Any]) -> Callable[..., Any]:
    def rich_format_help(*, obj: Any, ctx: Any, markup_mode: Any) -> Any:
        words = _param_words()
        for param in obj.get_params(ctx):
            help_text = getattr(param, "help", None)
            if help_text in words:
                param.help = words[help_text]
        return original(obj=obj, ctx=ctx, markup_mode=markup_mode)

    return rich_format_help


def _error_in_words(original: Callable[..., Any]) -> Callable[..., Any]:
    def rich_format_error(self: Any) -> Any:
        said = translate_error(self.format_message())
        self.format_message = lambda: said
        return original(self)

    return rich_format_error


def _usage_in_words(original: Callable[..., Any]) -> Callable[..., Any]:
    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, _("用法：") if prefix is None else prefix)

    return write_usage


_INSTALLED = "__desk_words__"


def install() -> None:
    """Put the desk's words and layout into Typer's help and errors (once per process)."""
    if getattr(rich_utils, _INSTALLED, False):
        return
    setattr(rich_utils, _INSTALLED, True)
    rich_utils.OPTIONS_PANEL_TITLE = _("选项")
    rich_utils.ARGUMENTS_PANEL_TITLE = _("参数")
    rich_utils.COMMANDS_PANEL_TITLE = _("命令")
    rich_utils.ERRORS_PANEL_TITLE = _("错误")
    rich_utils.ABORTED_TEXT = _("已取消。")
    rich_utils.REQUIRED_LONG_STRING = _("[必填]")
    # Typer fills these in with str.format and one positional field
    rich_utils.DEFAULT_STRING = _("[默认：{default}]").replace("{default}", "{}")
    rich_utils.ENVVAR_STRING = _("[环境变量：{variable}]").replace("{variable}", "{}")
    rich_utils.RICH_HELP = _("用 [blue]{command_path} {help_option}[/] 查看帮助。")
    rich_utils._make_rich_text = _folded(rich_utils._make_rich_text)
    rich_utils._get_parameter_help = _parameter_folded(rich_utils._get_parameter_help)
    rich_utils.rich_format_help = _help_in_words(rich_utils.rich_format_help)
    rich_utils.rich_format_error = _error_in_words(rich_utils.rich_format_error)
    formatting.HelpFormatter.write_usage = _usage_in_words(  # type: ignore[method-assign]
        formatting.HelpFormatter.write_usage
    )
    core.TyperOption.display_type_rich = _untyped_flags(  # type: ignore[method-assign]
        core.TyperOption.display_type_rich
    )
