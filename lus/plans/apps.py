from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "lus.plans"
    verbose_name = _("Development plans")

    def ready(self) -> None:
        # The conversation pages show plan data through conversations' extension points
        # (conversations never imports plans).
        from lus.conversations.extensions import register

        from .contributions import PlanEvaluation, ReportPlans

        register(plan_evaluation=PlanEvaluation(), report_plans=ReportPlans())
