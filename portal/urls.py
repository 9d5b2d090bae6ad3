from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from portal import metrics
from portal.api import api
from portal.views import accounts, password_reset
from portal.views.apply import claims_enterprises as enterprise_claims_views
from portal.views.apply import evidence as apply_evidence
from portal.views.apply import notice_files as notice_views
from portal.views.apply import signup as enterprise_signup
from portal.views.apply import status as apply_status
from portal.views.apply import wizard as apply_wizard
from portal.views.public import health, large_print, policies
from portal.views.public import home as public
from portal.views.public import notices as public_notices
from portal.views.public import progress as progress_views
from portal.views.public import verify as verify_views
from portal.views.services import claims_people, resident_accounts
from portal.views.services import commitments as resident_commitments
from portal.views.services import journeys as resident_journeys
from portal.views.services import my_services as resident_services
from portal.views.services import ratings as rating_views
from portal.views.workbench import calendar as holiday_calendar
from portal.views.workbench import (
    cases,
    dashboard,
    follow_ups,
    incubators,
    notice_jobs,
    notices,
    parameters,
    registry,
    review_hardship,
)
from portal.views.workbench import commitments as commitment_views
from portal.views.workbench import index as workbench
from portal.views.workbench import loans as loan_views
from portal.views.workbench import residents as resident_workbench

accounts_patterns = (
    [
        path("login/", accounts.LoginView.as_view(), name="login"),
        path("logout/", accounts.logout, name="logout"),
        path("large-print/", large_print.switch, name="large-print"),
        path("two-factor/", accounts.two_factor, name="two-factor"),
        path("signup/enterprise/", enterprise_signup.signup, name="enterprise-signup"),
        path("signup/enterprise/check-email/", enterprise_signup.check_email, name="check-email"),
        path("signup/enterprise/sent/", enterprise_signup.signup_sent, name="signup-sent"),
        path("confirm-email/resend/", enterprise_signup.resend_confirmation, name="resend-confirmation"),
        path("confirm-email/<str:token>/", enterprise_signup.confirm_email, name="confirm-email"),
        path("signup/resident/", resident_accounts.signup, name="resident-signup"),
        path("signup/resident/confirm/", resident_accounts.confirm, name="resident-confirm"),
        path("signup/resident/resend/", resident_accounts.resend, name="resident-resend"),
        path("signup/resident/pending/", resident_accounts.pending, name="resident-pending"),
        path("password/reset/", password_reset.reset_by_phone, name="password-reset"),
        path("password/reset/code/", password_reset.reset_code, name="password-reset-code"),
        path("password/reset/email/", password_reset.email_reset, name="password-reset-email"),
        path("password/reset/email/sent/", password_reset.email_sent, name="password-reset-email-sent"),
        path("password/reset/email/<uidb64>/<token>/", password_reset.email_confirm, name="password-reset-confirm"),
        path("password/reset/done/", password_reset.complete, name="password-reset-complete"),
    ],
    "accounts",
)

workbench_patterns = (
    [
        path("", workbench.index, name="index"),
        path("notices/jobs/", notice_jobs.notice_jobs, name="notice-jobs"),
        path("notices/jobs/<int:pk>/retry/", notice_jobs.notice_job_retry_view, name="retry-notice-job"),
        path("dashboard/", dashboard.dashboard, name="dashboard"),
        path("dashboard/export.xlsx", dashboard.export, name="dashboard-export"),
        path("incubators/", incubators.incubator_list, name="incubators"),
        path("incubators/add/", incubators.incubator_add, name="add-incubator"),
        path("incubators/<int:pk>/", incubators.incubator_detail, name="incubator"),
        path("incubators/<int:pk>/tenants/add/", incubators.tenant_add, name="add-incubator-tenant"),
        path("calendar/", holiday_calendar.calendar_year, name="calendar"),
        path("calendar/<int:pk>/remove/", holiday_calendar.calendar_day_remove_view, name="remove-calendar-day"),
        path("parameters/", parameters.parameter_list, name="parameters"),
        path("parameters/proposals/<int:pk>/", parameters.parameter_change_detail, name="parameter-change"),
        path(
            "parameters/proposals/<int:pk>/confirm/",
            parameters.parameter_change_confirm_view,
            name="confirm-parameter-change",
        ),
        path(
            "parameters/proposals/<int:pk>/withdraw/",
            parameters.parameter_change_withdraw_view,
            name="withdraw-parameter-change",
        ),
        path("parameters/<str:key>/", parameters.parameter_detail, name="parameter"),
        path("parameters/<str:key>/add/", parameters.parameter_add_view, name="add-parameter"),
        path("registry/", registry.search, name="registry-search"),
        path("registry/people/<int:pk>/", registry.person_file, name="registry-person"),
        path("registry/people/<int:pk>/reveal/", registry.person_reveal, name="registry-person-reveal"),
        path("registry/enterprises/<int:pk>/", registry.enterprise_file, name="registry-enterprise"),
        path("registry/memberships/<int:pk>/decide/", registry.membership_decide, name="decide-membership"),
        path("registry/identity-claims/", registry.identity_claims, name="identity-claims"),
        path("registry/identity-claims/<int:pk>/decide/", registry.identity_claim_decide, name="decide-identity-claim"),
        path("registry/imports/", registry.import_list, name="registry-imports"),
        path("registry/imports/<int:pk>/", registry.import_detail, name="registry-import"),
        path("registry/imports/<int:pk>/report.csv", registry.import_report, name="registry-import-report"),
        path("registry/imports/<int:pk>/retry/", registry.import_retry, name="registry-import-retry"),
        path("cases/", cases.queue, name="cases"),
        path("cases/export.xlsx", cases.export, name="export-cases"),
        path("cases/<int:pk>/", cases.case_detail, name="case"),
        path("cases/<int:pk>/claim/", cases.claim, name="claim-case"),
        path("cases/<int:pk>/release/", cases.release, name="release-case"),
        path("cases/<int:pk>/approve/", cases.approve, name="approve-case"),
        path("cases/<int:pk>/confirm-amount/", cases.confirm_amount, name="confirm-amount"),
        path("cases/overrides/", cases.overrides, name="overrides"),
        path("cases/<int:pk>/return/", cases.return_case, name="return-case"),
        path("cases/<int:pk>/reject/", cases.reject, name="reject-case"),
        path("cases/<int:pk>/hardship-assessment/", review_hardship.assess, name="hardship-assess"),
        path("cases/<int:pk>/finance-confirmation/", review_hardship.finance_confirmation, name="hardship-finance"),
        path("cases/<int:pk>/recognise/", resident_workbench.recognise, name="recognise-case"),
        path("cases/<int:pk>/referral/", resident_workbench.refer, name="refer-case"),
        path("registrations/<int:pk>/work/", resident_workbench.record_work, name="record-work"),
        path("evidence/<int:pk>/", resident_workbench.evidence_download, name="evidence"),
        path("loans/", loan_views.loan_list, name="loans"),
        path("loans/rewards/", loan_views.rewards, name="loan-rewards"),
        path("loans/cases/<int:case_pk>/record/", loan_views.loan_new, name="loan-new"),
        path("loans/<int:pk>/", loan_views.loan_detail, name="loan"),
        path("loans/<int:pk>/payments/", loan_views.payment_add, name="loan-payment"),
        path("quality-list/", loan_views.quality_list, name="quality-list"),
        path("quality-list/<int:pk>/set/", loan_views.quality_list_set, name="quality-list-set"),
        path("referrals/<int:pk>/answer/", loan_views.referral_answer, name="referral-respond"),
        path("notices/", notices.notice_list, name="notices"),
        path("notices/publish/", notices.publish, name="publish-notice"),
        path("notices/<int:pk>/", notices.notice_detail, name="notice"),
        path("notices/<int:pk>/finalise/", notices.finalise, name="finalise-notice"),
        path("objections/<int:pk>/resolve/", notices.resolve, name="resolve-objection"),
        path("cases/<int:pk>/rating/", follow_ups.record_rating, name="record-rating"),
        path("follow-ups/", follow_ups.follow_up_list, name="follow-ups"),
        path("follow-ups/<int:pk>/", follow_ups.follow_up_detail, name="follow-up"),
        path("follow-ups/<int:pk>/steps/", follow_ups.follow_up_step, name="add-follow-up-step"),
        path("follow-ups/<int:pk>/close/", follow_ups.follow_up_close, name="close-follow-up"),
        path("commitments/", commitment_views.check_list, name="commitment-checks"),
        path("commitments/<int:pk>/", commitment_views.check_detail, name="commitment-check"),
        path("commitments/<int:pk>/decide/", commitment_views.check_decide, name="decide-commitment-check"),
        path("commitments/items/", commitment_views.items, name="commitment-items"),
        path("commitments/items/<int:pk>/end/", commitment_views.item_end, name="end-commitment-item"),
        path("cases/<int:pk>/order-commitment-check/", commitment_views.check_order, name="order-commitment-check"),
    ],
    "workbench",
)

public_notice_patterns = (
    [
        path("", public_notices.public_list, name="list"),
        path("<int:pk>/", public_notices.public_detail, name="detail"),
        path("<int:pk>/object/", public_notices.public_object, name="object"),
        path("<int:pk>/objection-received/", public_notices.public_objection_received, name="objection-received"),
    ],
    "notices",
)

apply_patterns = (
    [
        path("", apply_status.index, name="index"),
        path("cases/<int:pk>/", apply_status.case_detail, name="case"),
        path("memberships/<int:pk>/decide/", apply_status.decide_membership, name="decide-membership"),
        path("cases/<int:pk>/confirmation/", apply_status.confirmation, name="confirmation"),
        path("offers/<int:pk>/", apply_wizard.offer, name="offer"),
        path("evidence/<int:pk>/", apply_evidence.evidence_download, name="evidence"),
        path("evidence/<int:pk>/remove/", apply_evidence.evidence_remove, name="remove-evidence"),
        path(
            "stable-job-refund/", apply_wizard.start, {"journey": "stable-job-refund"}, name="start-stable-job-refund"
        ),
        path(
            "hardship-recognition/",
            apply_wizard.start,
            {"journey": "hardship-recognition"},
            name="start-hardship-recognition",
        ),
        path("<slug:journey>/<int:pk>/check/", apply_wizard.check, name="check"),
        path("<slug:journey>/<int:pk>/<slug:slug>/", apply_wizard.step, name="step"),
    ],
    "apply",
)

claims_patterns = (
    [
        path("", claims_people.index, name="index"),
        path("training/", claims_people.training, name="training"),
        path("skill-upgrade/", claims_people.skill_upgrade, name="skill-upgrade"),
        path("startup-loan/", claims_people.startup_loan, name="startup-loan"),
        path("<int:pk>/", claims_people.claim, name="claim"),
        path("<int:pk>/correct/", claims_people.correct, name="correct"),
    ],
    "claims",
)

enterprise_claims_patterns = (
    [
        path("", enterprise_claims_views.index, name="index"),
        path("new/<slug:claim>/", enterprise_claims_views.new, name="new"),
        path("cases/<int:pk>/edit/", enterprise_claims_views.edit, name="edit"),
        path("cases/<int:pk>/check/", enterprise_claims_views.check, name="check"),
    ],
    "enterprise_claims",
)

residents_patterns = (
    [
        path("", resident_services.index, name="index"),
        path("cases/<int:pk>/", resident_services.case_detail, name="case"),
        path("cases/<int:pk>/confirmation/", resident_services.confirmation, name="confirmation"),
        path("registrations/<int:pk>/report-work/", resident_services.report_work, name="report-work"),
        path("evidence/<int:pk>/", resident_services.evidence_download, name="evidence"),
        path("evidence/<int:pk>/remove/", resident_services.evidence_remove, name="remove-evidence"),
        path("cases/<int:pk>/commitments/<slug:purpose>/", resident_commitments.sign, name="sign-commitment"),
        path("commitments/<int:pk>/withdraw/", resident_commitments.withdraw, name="withdraw-commitment"),
        path(
            "unemployment-registration/",
            resident_journeys.start,
            {"journey": "unemployment-registration"},
            name="start-unemployment-registration",
        ),
        path(
            "difficulty-recognition/",
            resident_journeys.start,
            {"journey": "difficulty-recognition"},
            name="start-difficulty-recognition",
        ),
        path("<slug:journey>/<int:pk>/check/", resident_journeys.check, name="check"),
        path("<slug:journey>/<int:pk>/<slug:slug>/", resident_journeys.step, name="step"),
    ],
    "residents",
)

ratings_patterns = (
    [
        path("cases/<int:pk>/", rating_views.rate, name="rate"),
        path("link/<str:token>/", rating_views.rate_by_link, name="link"),
    ],
    "ratings",
)

urlpatterns = [
    path("", public.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("progress/", progress_views.progress, name="progress"),
    path("verify/", verify_views.verify_lookup, name="verify-lookup"),
    path("verify/<str:code>/", verify_views.verify, name="verify"),
    path("apply/notices/<int:pk>/", notice_views.notice_download, name="notice-download"),
    path("notices/<int:pk>/pdf/", notice_views.public_notice_pdf, name="notice-pdf"),
    path("policies/", policies.policies, name="policies"),
    path("calculator/<slug:policy>/", policies.calculator, name="calculator"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include(accounts_patterns)),
    path("notices/", include(public_notice_patterns)),
    path("apply/claims/", include(claims_patterns)),
    path("apply/enterprise-claims/", include(enterprise_claims_patterns)),
    path("apply/services/", include(residents_patterns)),
    path("apply/ratings/", include(ratings_patterns)),
    path("apply/", include(apply_patterns)),
    path("workbench/", include(workbench_patterns)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
