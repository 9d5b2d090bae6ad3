"""One row per kind of case: its clause, its measure's rules, its calculator, and the fund that pays it.

This table is the only place that says what each kind does in the shared workflow (subsidies.cases): which
checks it runs, what its approval and finalisation write, how its amount is recalculated, whether its approvals
go on a public list (公示) first. `SubsidiesConfig.ready` installs it once; nothing else registers behaviour.
"""

from __future__ import annotations

from subsidies.cases.rules import Fund, KindRules
from subsidies.measures import (
    m01_stable_job_refund as m01,
)
from subsidies.measures import (
    m02_guarantee_referral as m02,
)
from subsidies.measures import (
    m03_startup_loan as m03,
)
from subsidies.measures import (
    m05_internship as m05,
)
from subsidies.measures import (
    m06_in_job_training as m06,
)
from subsidies.measures import (
    m07_training as m07,
)
from subsidies.measures import (
    m08_skill_upgrade as m08,
)
from subsidies.measures import (
    m09_registration as m09,
)
from subsidies.models import CaseKind, NoticeListKind

K = CaseKind

KINDS: dict[str, KindRules] = {
    rules.kind: rules
    for rules in [
        # （一） Stable-job refund, standard or hardship track; approvals are published before they are final.
        KindRules(
            K.STABLE_JOB_REFUND,
            clause="（一）",
            reference_prefix="WG",  # 稳岗
            fund=Fund.UNEMPLOYMENT_INSURANCE,
            calculator="stable-job-refund",
            published_as=NoticeListKind.REFUND_APPROVALS,
            prepare_submit=m01.refund_prepare_submit,
            recalculate=m01.refund_recalculate,
        ),
        # （一） The hardship list: a recognition published for public notice, then final.
        KindRules(
            K.HARDSHIP_RECOGNITION,
            clause="（一）",
            reference_prefix="KN",  # 困难企业
            fund=Fund.UNEMPLOYMENT_INSURANCE,
            published_as=NoticeListKind.HARDSHIP_RECOGNITIONS,
            prepare_submit=m01.hardship_recognition_prepare_submit,
            on_approve=m01.hardship_recognition_on_approve,
        ),
        # （二） Referral to the guarantee company: recorded when the request becomes final.
        KindRules(
            K.GUARANTEE_REFERRAL,
            clause="（二）",
            reference_prefix="RZ",  # 融资担保
            fund=Fund.EMPLOYMENT_SUBSIDY,
            evaluate=m02.guarantee_referral_evaluate,
            on_final=m02.referral_on_final,
        ),
        # （三） Start-up loan eligibility, of an enterprise (evaluate) or an individual (checks, resubmit).
        KindRules(
            K.STARTUP_LOAN,
            clause="（三）",
            reference_prefix="CD",  # 创业担保贷款
            fund=Fund.GUARANTEED_LOANS,
            calculator="startup-loan",
            evaluate=m03.startup_loan_evaluate,
            checks=m03.startup_loan_case_checks,
            resubmit=m03.startup_loan_resubmit,
            final_step=m03.STARTUP_LOAN_FINAL_STEP,
        ),
        # （五） Internship base, then each intern's claim.
        KindRules(
            K.INTERNSHIP_BASE,
            clause="（五）",
            reference_prefix="JD",  # 见习基地
            fund=Fund.EMPLOYMENT_SUBSIDY,
            evaluate=m05.internship_base_evaluate,
        ),
        KindRules(
            K.INTERNSHIP,
            clause="（五）",
            reference_prefix="JX",  # 见习
            fund=Fund.EMPLOYMENT_SUBSIDY,
            calculator="internship",
            evaluate=m05.internship_evaluate_case,
        ),
        # （六） In-job training support, 2019.
        KindRules(
            K.IN_JOB_TRAINING,
            clause="（六）",
            reference_prefix="GP",  # 岗位培训
            fund=Fund.EMPLOYMENT_SUBSIDY,
            evaluate=m06.in_job_training_evaluate_case,
            on_approve=m06.in_job_training_on_approve,
        ),
        # （七） Training subsidy and living allowance.
        KindRules(
            K.TRAINING_SUBSIDY,
            clause="（七）",
            reference_prefix="PX",  # 培训
            fund=Fund.EMPLOYMENT_SUBSIDY,
            calculator="training-subsidy",
            checks=m07.training_case_checks,
            resubmit=m07.training_resubmit,
            recalculate=m07.training_recalculate,
            final_step=m07.TRAINING_FINAL_STEP,
            takes_certificate=True,
        ),
        KindRules(
            K.LIVING_ALLOWANCE,
            clause="（七）",
            reference_prefix="SH",  # 生活费
            fund=Fund.EMPLOYMENT_SUBSIDY,
            calculator="training-living-allowance",
            checks=m07.living_allowance_case_checks,
            resubmit=m07.living_allowance_resubmit,
            on_approve=m07.living_allowance_on_approve,
            final_step=m07.ALLOWANCE_FINAL_STEP,
        ),
        # （八） Skill-upgrade subsidy: "所需资金由失业保险基金列支".
        KindRules(
            K.SKILL_UPGRADE,
            clause="（八）",
            reference_prefix="JN",  # 技能
            fund=Fund.UNEMPLOYMENT_INSURANCE,
            calculator="skill-upgrade",
            checks=m08.skill_upgrade_case_checks,
            resubmit=m08.skill_upgrade_resubmit,
            on_approve=m08.skill_upgrade_on_approve,
            recalculate=m08.skill_upgrade_recalculate,
            final_step=m08.SKILL_UPGRADE_FINAL_STEP,
            takes_certificate=True,
        ),
        # （九） Unemployment registration and employment-difficult recognition: approval writes the registry.
        KindRules(
            K.UNEMPLOYMENT_REGISTRATION,
            clause="（九）",
            reference_prefix="SY",  # 失业登记
            fund=Fund.EMPLOYMENT_SUBSIDY,
            on_approve=m09.registration_on_approve,
            on_revoke=m09.registration_on_revoke,
        ),
        KindRules(
            K.DIFFICULTY_RECOGNITION,
            clause="（九）",
            reference_prefix="KR",  # 困难人员
            fund=Fund.EMPLOYMENT_SUBSIDY,
            on_approve=m09.recognition_on_approve,
            on_revoke=m09.recognition_on_revoke,
        ),
    ]
}
