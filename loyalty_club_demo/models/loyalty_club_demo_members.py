"""The demo chain's members: who they are, where they live, how they shop."""

from datetime import timedelta

from odoo import api, fields, models

from . import demo_chain_data as data


class LoyaltyClubDemoChain(models.AbstractModel):
    _inherit = "loyalty.club.demo.chain"

    @api.model
    def _chain_person(self, rnd, index, city, russian):
        female = rnd.random() < 0.62  # fashion: more women in the club
        if russian:
            first = rnd.choice(data.RU_FEMALE if female else data.RU_MALE)
            surname = rnd.choice(data.RU_SURNAME_PAIRS)[1 if female else 0]
        elif rnd.random() < 0.85:
            first = rnd.choice(data.UK_FEMALE if female else data.UK_MALE)
            surname = rnd.choice(data.UK_SURNAMES)
        else:
            first = rnd.choice(data.UK_FEMALE if female else data.UK_MALE)
            surname = rnd.choice(data.UK_SURNAME_PAIRS)[1 if female else 0]
        operator = data.MOBILE_CODES[index % len(data.MOBILE_CODES)]
        phone = f"+380{operator}{(index * 7919 + 1234567) % 10_000_000:07d}"
        login = f"{first}.{surname}".lower().translate(data.LATIN)
        return {
            "name": f"{first} {surname}",
            "female": female,
            "phone": phone,
            "email": f"{login}{index % 97}@{rnd.choice(data.MAIL_DOMAINS)}"
            if rnd.random() < 0.64
            else False,
            "lang": "ru_RU" if russian else "uk_UA",
            "city": city[0],
            "street": f"{rnd.choice(city[3])}, {rnd.randint(1, 120)}",
            "zip": f"{data.ZIPS[city[0]]}{rnd.randint(0, 999):03d}",
        }

    @api.model
    def _chain_members(self, program, stores, count, rnd, today, days):
        """Members who joined over the history, each with a
        card (plastic from the batch, or virtual), consents and answers."""
        service = self.env["loyalty.club.service"]
        cities = [c for c in data.CITIES for _i in range(c[1])]
        store_by_city = {}
        for store in stores:
            store_by_city.setdefault(store.city, store)
        cards = self.env["loyalty.club.card"].search(
            [("program_id", "=", program.id), ("state", "=", "stock")], order="code"
        )
        ukraine = self.env.ref("base.ua")
        codes = set(self.env["loyalty.club.attribute"].search([]).mapped("code"))
        people = []
        for index in range(count):
            city = rnd.choice(cities)
            person = self._chain_person(
                rnd, index, city, rnd.randint(1, 100) <= city[2]
            )
            store = store_by_city.get(person["city"]) or rnd.choice(stores)
            # within the history: a cohort's first months are its own
            joined = today - timedelta(days=int(rnd.triangular(3, days, days * 0.6)))
            plastic = index % 5 != 0 and index < len(cards)
            vals = {
                "name": person["name"],
                "phone": person["phone"],
                "email": person["email"],
                "store_id": store.id,
                "birthday": fields.Date.to_string(
                    today.replace(year=today.year - rnd.randint(19, 63))
                    - timedelta(days=rnd.randint(0, 364))
                ),
                "consents": {
                    "personal_data": True,
                    "sms": rnd.random() < 0.82,
                    "email": bool(person["email"]) and rnd.random() < 0.7,
                    "push": rnd.random() < 0.25,
                },
                "consent_wording": "Анкета учасника клубу «Кроки», ред. 2026-01",
                "attributes": self._chain_answers(rnd, person, codes),
            }
            if plastic:
                vals["card_number"] = cards[index].code
            summary = service.register_member(
                vals, source="pos", program_id=program.id, welcome=False
            )
            partner = self.env["res.partner"].browse(summary["partner_id"])
            partner.write(
                {
                    "street": person["street"],
                    "city": person["city"],
                    "zip": person["zip"],
                    "country_id": ukraine.id,
                    "lang": person["lang"],
                    "club_join_date": joined,
                }
            )
            person.update(
                partner=partner,
                wallet=self.env["loyalty.club.wallet"].browse(summary["wallet_id"]),
                card=summary.get("card") or summary.get("virtual_card") or "",
                plastic=plastic,
                store=store,
                joined=joined,
                habit=self._chain_habit(rnd),
            )
            people.append(person)
        return people

    @api.model
    def _chain_answers(self, rnd, person, codes):
        """Answers to the questions the club asks (those it has)."""
        answers = {}
        if "shoe_size" in codes:
            low, high = (36, 40) if person["female"] else (40, 45)
            answers["shoe_size"] = str(rnd.randint(low, high))
        if "clothing_size" in codes and rnd.random() < 0.8:
            answers["clothing_size"] = rnd.choice(["S", "M", "L"])
        if "children" in codes and rnd.random() < 0.5:
            answers["children"] = str(rnd.randint(0, 3))
        return answers

    @staticmethod
    def _chain_habit(rnd):
        """Days between visits, and the day the member stops coming (None: stays)."""
        kind = rnd.random()
        if kind < 0.12:  # regulars
            return {"gap": rnd.randint(18, 35), "stops": None, "spend": 0.5}
        if kind < 0.52:
            return {"gap": rnd.randint(40, 80), "stops": None, "spend": 0.35}
        if kind < 0.77:  # lapsed: came, then stopped
            return {
                "gap": rnd.randint(30, 60),
                "stops": rnd.randint(30, 120),
                "spend": 0.2,
            }
        return {"gap": rnd.randint(90, 180), "stops": None, "spend": 0.15}
