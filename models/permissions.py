"""Who may do what. Every service checks its action here before it changes anything."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.errors import PermissionDenied
from models.i18n import N_, _, pgettext
from models.text import clean_desk_name
from models.vocab import Role


class Action(StrEnum):
    user_add = "user.add"
    user_list = "user.list"  # the accounts, their roles and states (a reading: not audited)
    user_disable = "user.disable"
    user_enable = "user.enable"
    user_reset = "user.reset_password"  # a temporary password; the next login must change it
    user_set_role = "user.set_role"
    password_change = "user.password"  # one's own password, whoever one is
    campaign_load = "campaign.load"
    campaign_new = "campaign.new"
    fee_set = "fee.set"
    print_retry = "print.retry"
    receipt_reprint = "receipt.reprint"
    dossier_reprint = "dossier.reprint"
    online_import = "online.import"
    reconcile = "online.reconcile"
    intake_accept = "intake.accept"
    intake_return = "intake.return"
    intake_refuse = "intake.refused"  # what reconcile lists
    window_extend = "window.extend"
    payment_take = "payment.take"
    # a method the notice does not allow (001 三（二）4: by bank only), with a reason
    payment_method_override = "payment.method_override"
    payment_void = "payment.void"
    payment_refund = "payment.refund"
    bank_match = "bank.match"  # import statements, confirm or set aside their lines
    tally_view = "tally.view"  # the day view, the Z report, the campaign summary
    day_begin = "day.begin"  # begin a desk's close: it takes no new payment
    day_count = "day.count"  # record the blind cash count
    day_close = "day.close"  # confirm the close: the day is locked
    day_cancel = "day.cancel"  # take back a close that is not yet confirmed
    handover = "dossier.handover"  # hand dossiers to the review committee
    audit_verify = "audit.verify"  # check the audit chain and the payments against it
    backup = "backup.write"  # write a copy of the database
    export_full_id = "export.full_id"  # a roster for the committee with full ID numbers


ACTION_LABELS = {
    Action.user_add: N_("添加用户"),
    Action.user_list: N_("查看用户列表"),
    Action.user_disable: N_("停用用户"),
    Action.user_enable: N_("启用用户"),
    Action.user_reset: N_("重置用户密码"),
    Action.user_set_role: N_("更改用户角色"),
    Action.password_change: N_("修改自己的密码"),
    Action.campaign_load: N_("载入评审批次"),
    Action.campaign_new: N_("新建评审批次"),
    Action.fee_set: N_("设定收费标准"),
    Action.print_retry: N_("重试打印"),
    Action.receipt_reprint: N_("重印缴费凭证"),
    Action.dossier_reprint: N_("重印档案袋标签、回执和告知单"),
    Action.online_import: N_("导入网上通过名单"),
    Action.reconcile: N_("查看和导出纸质与网上核对名单"),
    Action.intake_accept: N_("受理纸质材料"),
    Action.intake_return: N_("退回补正（出具一次性告知单）"),
    Action.intake_refuse: N_("登记拒收"),
    Action.window_extend: N_("延长纸质材料报送时间"),
    Action.payment_take: N_("收取评审费"),
    Action.payment_method_override: N_("以通知规定以外的方式收费（须说明原因）"),
    Action.payment_void: N_("作废收据"),
    Action.payment_refund: N_("退费"),
    Action.bank_match: N_("银行流水对账"),
    Action.tally_view: N_("查看日结报表和汇总"),
    Action.day_begin: N_("开始日结"),
    Action.day_count: N_("录入现金清点"),
    Action.day_close: N_("确认日结"),
    Action.day_cancel: N_("取消未确认的日结"),
    Action.handover: N_("向评审委员会移交材料"),
    Action.audit_verify: N_("核验审计记录"),
    Action.backup: N_("备份数据库"),
    Action.export_full_id: N_("导出含完整身份证号的名册"),
}

# Accounts are the admin's, and the admin's alone (docs/adr/0005-accounts.md); the admin takes,
# voids and refunds no money and closes no day. Giving someone a lead's powers needs a lead's
# approval as well (models.services.users).
ACCOUNT_ACTIONS = (
    Action.user_add,
    Action.user_list,
    Action.user_disable,
    Action.user_enable,
    Action.user_reset,
    Action.user_set_role,
)

POLICY: dict[Action, frozenset[Role]] = {
    **{action: frozenset({Role.admin}) for action in ACCOUNT_ACTIONS},
    Action.password_change: frozenset(Role),
    Action.campaign_load: frozenset({Role.admin, Role.lead}),
    Action.campaign_new: frozenset({Role.admin, Role.lead}),
    Action.fee_set: frozenset({Role.lead}),
    Action.print_retry: frozenset(Role),  # whoever stands at the printer
    Action.receipt_reprint: frozenset({Role.cashier, Role.lead}),
    Action.dossier_reprint: frozenset({Role.clerk, Role.lead}),
    Action.online_import: frozenset({Role.lead, Role.admin}),
    Action.reconcile: frozenset({Role.lead}),  # names and phone numbers: audited each time
    Action.intake_accept: frozenset({Role.clerk, Role.lead}),
    Action.intake_return: frozenset({Role.clerk, Role.lead}),
    Action.intake_refuse: frozenset({Role.clerk, Role.lead}),
    Action.window_extend: frozenset({Role.lead}),
    Action.payment_take: frozenset({Role.cashier, Role.lead}),
    Action.payment_method_override: frozenset({Role.lead}),
    Action.payment_void: frozenset({Role.lead}),  # money records: only the lead undoes them
    Action.payment_refund: frozenset({Role.lead}),
    Action.bank_match: frozenset({Role.cashier, Role.lead}),
    Action.tally_view: frozenset({Role.lead}),
    Action.day_begin: frozenset({Role.cashier, Role.lead}),
    Action.day_count: frozenset({Role.cashier, Role.lead}),
    Action.day_close: frozenset({Role.lead}),  # the lead confirms; the cashier counts
    Action.day_cancel: frozenset({Role.lead}),
    Action.handover: frozenset({Role.lead}),
    Action.audit_verify: frozenset({Role.lead, Role.admin}),
    Action.backup: frozenset({Role.lead, Role.admin}),
    Action.export_full_id: frozenset({Role.lead}),  # the committee identifies by full number
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting: a logged-in user, or ``SYSTEM`` for first-run setup and demo seeding."""

    user_id: int | None
    username: str
    role: Role
    desk: str = ""
    # a reset password: until the user chooses a new one they may do nothing but that
    must_change_password: bool = False

    def __post_init__(self) -> None:
        # one form of a desk's name (NFKC, no invisible characters): "D1\u200b" is D1, and the
        # database refuses money rows with a name in any other form (migration 0009)
        clean = clean_desk_name(self.desk)
        if clean != self.desk:
            object.__setattr__(self, "desk", clean)

    def can(self, action: Action) -> bool:
        return self.role in POLICY[action]


# Who sees a full ID number on screen; everyone else sees 652801********1234, which is enough
# to compare with the ID card at the counter.
FULL_ID_ROLES = frozenset({Role.lead})

SYSTEM = Actor(user_id=None, username="system", role=Role.admin)


def roles_text(roles: frozenset[Role] | set[Role]) -> str:
    """The roles in the office's order, as a sentence says them: 收费员或负责人."""
    labels = [r.label for r in Role if r in roles]
    if len(labels) < 2:
        return "".join(labels)
    return _("{roles}或{last}").format(
        roles=pgettext("list", "、").join(labels[:-1]), last=labels[-1]
    )


def require(actor: Actor, action: Action) -> None:
    if actor.must_change_password and action is not Action.password_change:
        raise PermissionDenied(
            _("{username} 的密码已被重置：请先设置新密码，再做其他操作").format(
                username=actor.username
            ),
            code="auth.must_change_password",
            action=str(action),
            role=str(actor.role),
        )
    if not actor.can(action):
        allowed = "、".join(r.label for r in sorted(POLICY[action]))
        raise PermissionDenied(
            _("{label}无权{ACTION_LABELS}（需要：{allowed}）").format(
                label=actor.role.label, ACTION_LABELS=_(ACTION_LABELS[action]), allowed=allowed
            ),
            action=str(action),
            role=str(actor.role),
        )
