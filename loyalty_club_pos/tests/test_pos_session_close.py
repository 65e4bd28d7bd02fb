"""A day at the till, closed as the till closes it, then the club's posting.

Figures are computed here from the orders rung up (prices, tax rate, bonuses,
gift cards), never read back from the code under test.
"""

import copy
from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import CARD_CODES, ClubPosFixtureMixin

PRICE = 110.0  # tax included
TAX_RATE = 0.10
OPENING = 50.0  # bonuses Anna holds before the day
EARN = 0.10  # of what is paid other than with bonuses
GIFT = 50.0  # gift card sold at the till
GIFT_USED = 40.0
BONUS_SPENT = 40.0  # on two jackets (the 50 opening bonuses are available)


def base_of(incl):
    return round(incl / (1 + TAX_RATE), 2)


@tagged("post_install", "-at_install")
class TestClubPosSessionClose(ClubPosFixtureMixin, TestPoSCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = cls.basic_config
        cls._club_setup(cls.config)
        cls.tax10 = cls.taxes["tax10"]  # 10 %, price included
        cls.jacket = cls.create_product(
            "Club jacket", cls.categ_basic, PRICE, tax_ids=cls.tax10.ids
        )
        cls.anna = cls._club_member(
            "Anna", "+79161234567", card=CARD_CODES[0], balance=OPENING
        )

    def _sync(self, data):
        result = self.env["pos.order"].sync_from_ui([copy.deepcopy(data)])
        return self.env["pos.order"].browse([o["id"] for o in result["pos.order"]])

    def _order(self, lines, payments, wallet=None, gift_code=None):
        data = self.create_ui_order_data(lines, payments=payments)
        data["club_wallet_id"] = wallet.id if wallet else False
        for command in data["payment_ids"]:
            if command[2]["payment_method_id"] == self.club_gift_method.id:
                command[2]["club_gift_code"] = gift_code
        return self._sync(data)

    def _gift_sale(self, amount):
        data = self.create_ui_order_data(
            [{"product": self.club_gift_product, "quantity": 1}],
            payments=[(self.cash_pm1, amount)],
        )
        data["lines"][0][2].update(
            price_unit=amount, price_subtotal=amount, price_subtotal_incl=amount
        )
        data.update(amount_total=amount, amount_tax=0.0)
        return self._sync(data)

    def _balance(self, moves, account):
        """Credit - debit of posted ``moves`` on ``account``."""
        lines = moves.line_ids.filtered(
            lambda ln: ln.account_id == account and ln.parent_state == "posted"
        )
        return self.currency.round(
            sum(lines.mapped("credit")) - sum(lines.mapped("debit"))
        )

    def _close(self):
        session = self.pos_session
        cash = sum(
            session.order_ids.payment_ids.filtered(
                lambda p: p.payment_method_id == self.cash_pm1
            ).mapped("amount")
        )
        session.post_closing_cash_details(cash)
        session.close_session_from_ui()
        self.assertEqual(session.state, "closed")
        return session

    def test_day_at_the_till_books_the_liabilities_once(self):
        self._run_day("cost")

    def test_day_at_the_till_under_ifrs15(self):
        """The till debits the face value, the club books the deferral's rest."""
        self.company.write(
            {
                "loyalty_club_policy": "ifrs15",
                "loyalty_club_ssp_percent": 90.0,
                "loyalty_club_redemption_percent": 70.0,
            }
        )
        self._run_day("ifrs15")

    def test_day_at_the_till_with_gift_breakage_in_proportion(self):
        """The till books the gift card's use, the club its breakage share."""
        self.company.write(
            {
                "loyalty_club_gift_breakage": "proportional",
                "loyalty_club_gift_breakage_percent": 10.0,
            }
        )
        self._run_day("cost", breakage_rate=0.10)

    def test_till_in_another_currency_is_refused(self):
        """The club counts in the company currency; a till in EUR would hand it
        euros as if they were the company's money."""
        other = self.other_currency_config
        self.assertNotEqual(other.currency_id, self.club_program.currency_id)
        with self.assertRaises(ValidationError):
            other.club_program_id = self.club_program

    def _run_day(self, policy, breakage_rate=0.0):
        company = self.company
        self.assertEqual(company.loyalty_club_policy, policy)
        self.assertEqual(
            self.club_bonus_method.outstanding_account_id,
            company._loyalty_club_liability_account("bonus"),
            "the till debits the liability of the policy",
        )
        self.open_new_session()
        # liability per unit of face value: 1, or SSP x expected redemption
        ratio = 1.0 if policy == "cost" else 0.9 * 0.7
        bonus_account = company._loyalty_club_liability_account("bonus")
        gift_account = company._loyalty_club_liability_account("gift_card")
        # 1. a member earns: one jacket paid in cash
        earning = self._order([(self.jacket, 1)], [(self.cash_pm1, PRICE)], self.anna)
        # 2. two jackets paid partly with bonuses
        spending = self._order(
            [(self.jacket, 2)],
            [
                (self.club_bonus_method, BONUS_SPENT),
                (self.cash_pm1, 2 * PRICE - BONUS_SPENT),
            ],
            self.anna,
        )
        # 3. a gift card sold, 4. a jacket paid partly with it (no member)
        gift_order = self._gift_sale(GIFT)
        code = gift_order.lines.club_gift_code
        self.assertTrue(code)
        with_gift = self._order(
            [(self.jacket, 1)],
            [(self.club_gift_method, GIFT_USED), (self.cash_pm1, PRICE - GIFT_USED)],
            gift_code=code,
        )
        # 5. one of the two jackets bought with bonuses comes back
        refund = self._order(
            [
                {
                    "product": self.jacket,
                    "quantity": -1,
                    "refunded_orderline_id": spending.lines.id,
                }
            ],
            [
                (self.club_bonus_method, -BONUS_SPENT / 2),
                (self.cash_pm1, -(PRICE - BONUS_SPENT / 2)),
            ],
            self.anna,
        )
        orders = earning | spending | gift_order | with_gift | refund
        self.assertFalse(
            any(orders.mapped("club_review")), orders.mapped("club_message")
        )

        # what the club owes, from the orders alone
        earned = EARN * PRICE + EARN * (2 * PRICE - BONUS_SPENT)
        earn_reversed = earned - EARN * PRICE - EARN * (PRICE - BONUS_SPENT / 2)
        bonus_owed = OPENING + earned - BONUS_SPENT + BONUS_SPENT / 2 - earn_reversed
        self.assertAlmostEqual(
            self.anna.balance_available + self.anna.balance_pending, bonus_owed
        )
        gift_owed = GIFT - GIFT_USED
        self.assertEqual(self._club_gift_wallet(code).balance_available, gift_owed)

        session = self._close()
        session_moves = session._get_related_account_moves()
        for move in session_moves:
            self.assertEqual(move.state, "posted")
            self.assertAlmostEqual(
                sum(move.line_ids.mapped("debit")), sum(move.line_ids.mapped("credit"))
            )
        # the till settles what was paid with bonuses and gift cards on the
        # liabilities, and the gift card sold is owed, not earned
        self.assertEqual(self._balance(session_moves, bonus_account), -BONUS_SPENT / 2)
        self.assertEqual(self._balance(session_moves, gift_account), GIFT - GIFT_USED)
        # the sales keep their full price as tax base: 4 jackets sold, 1 back
        jackets = 2 + 2 - 1
        sales = self._balance(session_moves, self.sale_account)
        taxes = self._balance(session_moves, self.tax_received_account)
        self.assertEqual(sales, round(jackets * base_of(PRICE), 2))
        self.assertEqual(taxes, round(jackets * (PRICE - base_of(PRICE)), 2))
        self.assertFalse(
            session_moves.line_ids.filtered(
                lambda ln: ln.account_id == self.sale_account
                and ln.product_id == self.club_gift_product
            )
        )

        # the club's posting of the day books the rest, nothing twice
        job = self.env["loyalty.club.accounting"]
        today = job._yesterday(company) + timedelta(days=1)
        club_moves = job._post(company, today)
        self.assertTrue(club_moves)
        # the till settled the spends at face value: the club books only the
        # rest of the liability (all of it but the spends under the cost policy)
        self.assertAlmostEqual(
            self._balance(club_moves, bonus_account),
            round(bonus_owed * ratio, 2) + BONUS_SPENT / 2,
        )
        if policy == "cost":
            expense = company.loyalty_club_bonus_expense_account_id
            self.assertAlmostEqual(
                -self._balance(club_moves, expense), OPENING + earned - earn_reversed
            )
        # breakage in proportion to use: each unit used brings r / (1 - r)
        advance = min(
            round(GIFT_USED * breakage_rate / (1 - breakage_rate), 2), gift_owed
        )
        self.assertAlmostEqual(self._balance(club_moves, gift_account), -advance)
        self.assertAlmostEqual(
            self._balance(club_moves, company.loyalty_club_gift_breakage_account_id),
            advance,
        )
        self.assertFalse(job._post(company, today), "posted once")

        rows = job._reconciliation(company, today)
        self.assertTrue(rows)
        for row in rows:
            self.assertEqual(row["difference"], 0, row)
            self.assertEqual(row["unposted"], 0, row)
        by_kind = {}
        for row in rows:
            by_kind[row["wallet_kind"]] = by_kind.get(row["wallet_kind"], 0) + row["gl"]
        digits = 10**company.currency_id.decimal_places
        self.assertEqual(by_kind["bonus"], round(bonus_owed * ratio * digits))
        self.assertEqual(by_kind["gift_card"], round((gift_owed - advance) * digits))
        store_rows = [row for row in rows if row["store_id"] == self.club_store.id]
        self.assertEqual(
            sum(row["other"] for row in store_rows),
            round((-BONUS_SPENT / 2 + gift_owed) * digits),
            "the session's entries are the store's",
        )
