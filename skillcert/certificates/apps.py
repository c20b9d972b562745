from django.apps import AppConfig

from skillcert.certificates.choices import LABELS
from skillcert.common.labels import LabelsRegistered


class CertificatesConfig(LabelsRegistered, AppConfig):
    name = "skillcert.certificates"
    label = "certificates"
    verbose_name = "职业技能等级证书"
    labels = LABELS

    def ready(self) -> None:

        super().ready()

        from skillcert.certificates.annual_roster import annual_roster_source_connect
        from skillcert.certificates.legacy import legacy_source_register

        legacy_source_register()  # eligibility reads imported 职业资格 certificates
        annual_roster_source_connect()  # annual reports list the year's certificates
