from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError

from .common import ClubCase


class TestContest(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.welcome_bonus = 0
        Categ = cls.env["product.category"]
        cls.coffee = Categ.create({"name": "Coffee"})
        beans = Categ.create({"name": "Beans", "parent_id": cls.coffee.id})
        Product = cls.env["product.product"]
        cls.espresso = Product.create({"name": "Espresso", "categ_id": cls.coffee.id})
        cls.arabica = Product.create({"name": "Arabica", "categ_id": beans.id})
        cls.cake = Product.create(
            {"name": "Cake", "categ_id": Categ.create({"name": "Cakes"}).id}
        )
        cls.wallets = {}
        for name, phone in (
            ("Anna", "+79160000201"),
            ("Boris", "+79160000202"),
            ("Clara", "+79160000203"),
            ("Denis", "+79160000204"),
        ):
            member = cls.service.register_member(
                {"name": name, "phone": phone}, program_id=cls.program.id
            )
            cls.wallets[name] = cls.env["loyalty.club.wallet"].browse(
                member["wallet_id"]
            )
        cls.contest = cls.env["loyalty.club.contest"].create(
            {
                "name": "Coffee lover of November",
                "program_id": cls.program.id,
                "categ_id": cls.coffee.id,
                "date_from": date(2026, 11, 1),
                "date_to": date(2026, 11, 30),
                "winner_count": 2,
                "reward_bonus": 250,
            }
        )

    # what each member bought: (key, member, day, [(product, qty, amount)])
    BASKETS = [
        ("k1", "Anna", "2026-11-02", [("espresso", 2, "300"), ("cake", 1, "200")]),
        ("k2", "Anna", "2026-11-09", [("arabica", 1, "900")]),
        ("k3", "Boris", "2026-11-03", [("espresso", 4, "600")]),
        ("k4", "Clara", "2026-11-04", [("cake", 9, "1800")]),
        ("k5", "Denis", "2026-11-05", [("espresso", 10, "1500")]),  # refunded
        ("k6", "Clara", "2026-12-02", [("espresso", 8, "1200")]),  # too late
        ("k7", "Boris", "2026-11-28", [("arabica", 2, "1700")]),
    ]

    def buy(self):
        for key, name, day, lines in self.BASKETS:
            payload = self.order(
                "0", wallet_id=self.wallets[name].id, date=f"{day} 10:00:00"
            )
            payload["lines"] = [
                {
                    "key": n,
                    "product_id": getattr(self, product).id,
                    "qty": qty,
                    "amount": amount,
                }
                for n, (product, qty, amount) in enumerate(lines)
            ]
            self.service.confirm(payload, key)
        self.service.reverse(
            {"original_key": "k5", "amount": "1500", "date": "2026-11-06 10:00:00"},
            "k5-refund",
        )

    def expected(self, metric):
        """The leaderboard figured from the baskets, independently of the view."""
        totals = {}
        for _key, name, day, lines in self.BASKETS:
            if name == "Denis" or day > "2026-11-30":
                continue
            coffee = [(q, float(a)) for p, q, a in lines if p != "cake"]
            if not coffee:
                continue
            qty, checks, amount = totals.get(name, (0, 0, 0.0))
            totals[name] = (
                qty + sum(q for q, _a in coffee),
                checks + 1,
                amount + sum(a for _q, a in coffee),
            )
        index = {"qty": 0, "checks": 1, "amount": 2}[metric]
        return sorted(
            ((name, float(t[index])) for name, t in totals.items()),
            key=lambda item: -item[1],
        )

    def board(self, contest):
        rows = self.env["loyalty.club.contest.rank"].search(
            [("contest_id", "=", contest.id)]
        )
        return [(row.partner_id.name, row.score) for row in rows]

    def test_leaderboard_and_winners_rewarded_once(self):
        self.contest.action_start()
        self.buy()
        # Anna 3 items (1 000.00), Boris 6 items (2 300.00); Clara bought cakes
        self.assertEqual(self.board(self.contest), self.expected("qty"))
        self.assertEqual(self.board(self.contest)[0], ("Boris", 6.0))
        boris = self.env["loyalty.club.contest.rank"].search(
            [("contest_id", "=", self.contest.id), ("position", "=", 1)]
        )
        self.assertEqual((boris.checks, boris.amount), (2, 2300.0))
        with self.assertRaisesRegex(UserError, "cannot change"):
            self.contest.write({"categ_id": self.cake.categ_id.id})
        with freeze_time("2026-11-30"), self.assertRaises(UserError):
            self.contest.action_close()
        with freeze_time("2026-12-03"):
            self.contest.action_close()
            self.contest.action_reward()
            self.contest.action_reward()
        winners = self.contest.winner_ids
        self.assertEqual(winners.mapped("partner_id.name"), ["Boris", "Anna"])
        gifts = self.env["loyalty.club.ledger"].search(
            [("idempotency_key", "like", f"loyalty.club.contest:{self.contest.id}:")]
        )
        self.assertEqual(sorted(gifts.mapped("amount")), [250.0, 250.0])
        self.assertEqual(gifts.wallet_id, winners.wallet_id)

    def test_amount_metric_and_draft_records_nothing(self):
        self.contest.metric = "amount"
        draft = self.contest.copy({"name": "Not started"})
        self.contest.action_start()
        self.buy()
        self.assertEqual(self.board(self.contest), self.expected("amount"))
        self.assertFalse(draft.rank_ids, "a contest records from its start")
