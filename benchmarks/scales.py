"""The scale knob: how much synthetic data and how many samples each run takes."""

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Scale:
    name: str
    members: int  # contacts with a club wallet (and, for pos_loyalty, a loyalty card)
    cards: int  # the first ``cards`` members hold an active club card
    ledger_lines: int  # history: half credits (each opens a lot), half debits
    lots: int  # open lots already past expiry: the expiry job's work
    order_lines: int  # past POS orders of members (3 lines each) with their checks;
    # the RFM and the sales pivot run over them
    session_levels: tuple  # member counts at which POS session opening is measured
    emission: int  # cards emitted (with CSV) by the emission benchmark
    identify_samples: int
    quote_samples: int
    confirm_samples: int
    concurrent_confirms: int  # split over two workers
    sync_orders: int  # per variant
    session_repeats: int
    expiry_budget_s: float  # the expiry job runs day by day until this is spent
    messages: int  # purchase SMS queued for as many members and sent by the job

    @property
    def credits(self):
        return self.ledger_lines // 2

    @property
    def debits(self):
        return self.ledger_lines - self.credits

    @property
    def orders(self):
        return self.order_lines // 3

    def check(self):
        """Raise ValueError when the knobs cannot make consistent data."""
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, int) and value < 0:
                raise ValueError(f"{field.name} cannot be negative")
        if self.members < 1:
            raise ValueError("a scale needs at least one member")
        if self.cards > self.members:
            raise ValueError("cards belong to members: cards <= members")
        if self.lots * 3 > self.credits:
            raise ValueError("expiring lots are at most a third of all lots")
        if self.messages > self.members:
            raise ValueError("one message per member: messages <= members")
        if self.orders > self.credits:
            raise ValueError("each past order earned one credit: orders <= credits")
        levels = self.session_levels
        if list(levels) != sorted(set(levels)) or levels[-1] != self.members:
            raise ValueError("session levels rise strictly and end at members")
        return self

    def stages(self):
        """(lo, hi) member ranges generated between two session measurements."""
        bounds = [0, *[lvl for lvl in self.session_levels if lvl]]
        return list(zip(bounds, bounds[1:], strict=False))

    def share(self, total, lo, hi):
        """The part of ``total`` that falls on members [lo, hi): shares add up."""
        return total * hi // self.members - total * lo // self.members


SCALES = {
    "tiny": Scale(
        name="tiny",
        members=120,
        cards=100,
        ledger_lines=2400,
        lots=40,
        order_lines=300,
        session_levels=(0, 50, 120),
        emission=500,
        identify_samples=10,
        quote_samples=5,
        confirm_samples=5,
        concurrent_confirms=4,
        sync_orders=2,
        session_repeats=1,
        expiry_budget_s=60.0,
        messages=100,
    ),
    "small": Scale(
        name="small",
        members=100_000,
        cards=100_000,
        ledger_lines=1_000_000,
        lots=10_000,
        order_lines=150_000,
        session_levels=(0, 100_000),
        emission=100_000,
        identify_samples=500,
        quote_samples=300,
        confirm_samples=300,
        concurrent_confirms=400,
        sync_orders=100,
        session_repeats=5,
        expiry_budget_s=60.0,
        messages=2000,
    ),
    "full": Scale(
        name="full",
        members=1_000_000,
        cards=1_000_000,
        ledger_lines=20_000_000,
        lots=1_000_000,
        order_lines=10_000_000,
        session_levels=(0, 100_000, 1_000_000),
        emission=1_000_000,
        identify_samples=2000,
        quote_samples=1000,
        confirm_samples=1000,
        concurrent_confirms=2000,
        sync_orders=300,
        session_repeats=3,
        expiry_budget_s=300.0,
        messages=100_000,
    ),
}


def get(name):
    try:
        return SCALES[name].check()
    except KeyError:
        raise ValueError(
            f"unknown scale {name!r}; choose one of {', '.join(SCALES)}"
        ) from None
