import base64

from odoo.tests import HttpCase, new_test_user, tagged

from .test_import import DATA, MEMBERS, ImportMixin


@tagged("post_install", "-at_install")
class TestImportTour(ImportMixin, HttpCase):
    def test_manager_uploads_maps_checks_and_imports(self):
        self.template.mapping = {}  # the manager maps the shoe size in the tour
        manager = new_test_user(
            self.env,
            "club_import_manager",
            groups="base.group_user,loyalty_club.group_club_manager",
        )
        self.env["ir.attachment"].with_user(manager).create(
            {
                "name": "tour-old_system_members.csv",
                "datas": base64.b64encode(
                    (DATA / "old_system_members.csv").read_bytes()
                ),
            }
        )
        self.start_tour(
            "/odoo/action-loyalty_club.loyalty_club_import_job_action/new",
            "loyalty_club_import_tour",
            login=manager.login,
        )
        job = self.env["loyalty.club.import.job"].search(
            [("name", "=", "Members from the old 1C")]
        )
        self.assertEqual(job.state, "done")
        self.assertEqual((job.rows_rejected, job.rows_done), (11, 7))
        self.assertEqual(job.create_uid, manager)
        maria = self.partner("+79161234567")
        self.assertEqual(
            maria.club_attribute_value_ids.filtered(
                lambda v: v.attribute_id == self.shoe
            ).display_value,
            "38",
        )
        for phone, (minor, *_rest) in MEMBERS.items():
            wallet = self.env["loyalty.club.wallet"].search(
                [
                    ("partner_id", "=", self.partner(phone).id),
                    ("program_id", "=", self.program.id),
                ]
            )
            self.assertEqual(wallet.available_minor, minor, phone)
