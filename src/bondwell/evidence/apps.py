from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "bondwell.evidence"
    label = "evidence"
    verbose_name = "Published evidence and the living meta-analysis"
