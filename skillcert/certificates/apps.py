from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "skillcert.certificates"
    label = "certificates"
    verbose_name = "职业技能等级证书"

    def ready(self) -> None:
        from skillcert.certificates.choices import LABELS
        from skillcert.common.labels import labels_register

        labels_register(LABELS)

        from skillcert.certificates.annual_roster import annual_roster_source_connect
        from skillcert.certificates.legacy import legacy_source_register

        legacy_source_register()  # eligibility reads imported 职业资格 certificates
        annual_roster_source_connect()  # annual reports list the year's certificates
