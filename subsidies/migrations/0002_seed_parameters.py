"""Seed the dated parameters with every row of POLICY.md's "Parameters" table (samples marked).

The values are copied here (not imported from the code) so that this migration stays as it was when it ran.
"""

from django.db import migrations

PLAN = "塔行发〔2019〕16号"
START = "2019-01-01"

# key, value (JSON), source, is_sample, note
ROWS = [
    ("stable_job_refund.ratio", "0.50", f"{PLAN}（一）", False, ""),
    ("stable_job_refund.min_ui_months", 12, "人社部发〔2019〕23号", False, ""),
    ("unemployment_rate.registered_urban", "0.038", f"{PLAN}（一）", True,
     "Sample: the prefecture's registered urban unemployment rate of the previous year."),
    ("hardship.months", 6, f"{PLAN}（一）", False, ""),
    ("hardship.contribution_ratio", "0.50", f"{PLAN}（一）", False, ""),
    ("hardship.window", {"from": "2019-01-01", "to": "2019-12-31"}, f"{PLAN}（一）", False, ""),
    ("hardship.method", "ui_benefit", f"{PLAN}（一）", True, "Sample: the plan allows either method."),
    ("ui_benefit.monthly_amount", "1386.00", "失业保险条例第十八条", True,
     "Sample: below the minimum wage, above the dibao line."),
    ("minimum_wage.tier_1", "1820.00", "新疆维吾尔自治区最低工资标准（2018）", True, "Sample: Xinjiang 2018 tiers."),
    ("minimum_wage.tier_2", "1620.00", "新疆维吾尔自治区最低工资标准（2018）", True, "Sample: Xinjiang 2018 tiers."),
    ("minimum_wage.tier_3", "1540.00", "新疆维吾尔自治区最低工资标准（2018）", True, "Sample: Xinjiang 2018 tiers."),
    ("minimum_wage.tier_4", "1460.00", "新疆维吾尔自治区最低工资标准（2018）", True, "Sample: Xinjiang 2018 tiers."),
    ("startup_loan.cap_individual", "150000.00", f"{PLAN}（三）", False, ""),
    ("startup_loan.cap_enterprise", "3000000.00", f"{PLAN}（三）", False, ""),
    ("startup_loan.hiring_ratio", "0.25", f"{PLAN}（三）", False, ""),
    ("startup_loan.hiring_ratio_large", "0.15", f"{PLAN}（三）", False, ""),
    ("startup_loan.large_staff_threshold", 100, f"{PLAN}（三）", False, ""),
    ("startup_loan.min_contract_years", 1, f"{PLAN}（三）", False, ""),
    ("startup_loan.interest_full_years", 2, f"{PLAN}（三）", False, ""),
    ("startup_loan.interest_year3_ratio", "0", f"{PLAN}（三）", False, ""),
    ("startup_loan.interest_rate_cap", "0.0635", f"{PLAN}（三）", True, "Sample: the subsidised rate is capped locally."),
    ("loan_reward.ratio", "0.01", f"{PLAN}（三）", False, ""),
    ("internship.min_months", 3, f"{PLAN}（五）", False, ""),
    ("internship.max_months", 12, f"{PLAN}（五）", False, ""),
    ("internship.min_age", 16, f"{PLAN}（五）", False, ""),
    ("internship.max_age", 24, f"{PLAN}（五）", False, ""),
    ("internship.host_share", "0.50", f"{PLAN}（五）", False, ""),
    ("training_subsidy.cap", "1800.00", f"{PLAN}（七）", False, ""),
    ("living_allowance.per_day", "50.00", f"{PLAN}（七）", False, ""),
    ("living_allowance.max_days", 30, f"{PLAN}（七）", False, ""),
    ("living_allowance.window", {"from": "2019-01-01", "to": "2020-12-31"}, f"{PLAN}（七）", False, ""),
    ("skill_upgrade.insured_months_relaxed", 12, f"{PLAN}（八）", False, ""),
    ("skill_upgrade.insured_months_normal", 36, f"{PLAN}（八）", False, ""),
    ("skill_upgrade.relaxed_window", {"from": "2019-01-01", "to": "2020-12-31"}, f"{PLAN}（八）", False, ""),
    ("skill_upgrade.amount_junior", "1000.00", "人社部发〔2017〕40号", False, ""),
    ("skill_upgrade.amount_intermediate", "1500.00", "人社部发〔2017〕40号", False, ""),
    ("skill_upgrade.amount_senior", "2000.00", "人社部发〔2017〕40号", False, ""),
    ("ui_benefit.months_1_to_5_years", 12, "失业保险条例第十七条", False, ""),
    ("ui_benefit.months_5_to_10_years", 18, "失业保险条例第十七条", False, ""),
    ("ui_benefit.months_10_plus_years", 24, "失业保险条例第十七条", False, ""),
    ("public_notice.working_days", 5, f"{PLAN}（一）", True, "Sample: default public notice period."),
    ("registration.min_age", 16, f"{PLAN}（九）", True, "Sample: working age for unemployment registration."),
    ("registration.max_age_men", 60, f"{PLAN}（九）", True, "Sample: men 16 to under 60."),
    ("registration.max_age_women", 55, f"{PLAN}（九）", True, "Sample: women 16 to under 55."),
    ("service.decision_working_days", 20, f"{PLAN}（十四）", True, "Sample: service target."),
    ("layoff_warning.grades", ["0.10", "0.20", "0.30"], f"{PLAN}（十二）", True, "Sample: fall in insured headcount."),
]


def seed(apps, schema_editor):
    Parameter = apps.get_model("subsidies", "Parameter")
    for key, value, source, is_sample, note in ROWS:
        Parameter.objects.get_or_create(
            key=key,
            valid_from=START,
            defaults={"value": value, "source": source, "is_sample": is_sample, "note": note},
        )


def unseed(apps, schema_editor):
    Parameter = apps.get_model("subsidies", "Parameter")
    Parameter.objects.filter(key__in=[r[0] for r in ROWS], valid_from=START, created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0001_parameter")]
    operations = [migrations.RunPython(seed, unseed)]
