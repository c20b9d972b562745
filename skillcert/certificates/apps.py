from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "skillcert.certificates"
    label = "certificates"
    verbose_name = "职业技能等级证书"

    def ready(self) -> None:
        from skillcert.certificates.choices import LABELS
        from skillcert.common.labels import labels_register

        labels_register(LABELS)
