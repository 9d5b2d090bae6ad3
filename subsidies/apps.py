from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("Subsidies")

    def ready(self) -> None:
        # Decisions order their notices (PDF) in the same transaction: subsidies.notices.
        from subsidies.notices import register_hooks

        register_hooks()
        # Approving a resident's registration or recognition changes the registry in the same transaction.
        from subsidies import residents

        residents.register_hooks()
        # The once-only rules of the residents' claims (clauses (七), (八)) are checked again at approval.
        from subsidies.claims_people import register_hooks as register_claim_hooks

        register_claim_hooks()
        # An approved guarantee-referral request (clause (二)) is recorded as a referral: subsidies.claims_enterprises.
        from subsidies import claims_enterprises

        claims_enterprises.register_hooks()
