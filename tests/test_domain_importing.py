"""Reading old systems' exports: encodings, delimiters, dates, phones, amounts and
the reasons a row is refused (loyalty_club.domain.importing)."""

import codecs
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import importing as imp

DATA = Path(__file__).resolve().parent.parent / "data"
TODAY = date(2026, 12, 1)


def ctx(**extra):
    values = {
        "today": TODAY,
        "stores": {"S01": 1, "S02": 2},
        "discounts": {3: 11, 5: 12, 10: 13},
        "products": {"SHOE-01": 101, "BAG-02": 102, "SOCK-03": 103},
        "attributes": {"shoe_size"},
    }
    values.update(extra)
    return imp.Context(**values)


# ------------------------------------------------------------------ encodings
@pytest.mark.parametrize(
    "data, encoding",
    [
        ("Телефон;Имя\r\n".encode("cp1251"), "cp1251"),
        ("Телефон;Имя\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "Телефон;Имя\n".encode(), "utf-8-sig"),
    ],
)
def test_decode_tells_cp1251_from_utf8_with_or_without_bom(data, encoding):
    text, found = imp.decode(data)
    assert found == encoding
    assert text.startswith("Телефон;Имя")


def test_decode_refuses_binary():
    with pytest.raises(imp.ImportFormatError) as err:
        imp.decode(bytes(range(0, 32)) * 10)
    assert err.value.code == "bad_encoding"


@given(st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ ;,.0123456789"))
def test_decode_reads_back_what_cp1251_and_utf8_wrote(text):
    assert imp.decode(text.encode("utf-8"))[0] == text
    decoded, encoding = imp.decode(text.encode("cp1251"))
    assert decoded == text
    assert encoding == ("utf-8" if text.isascii() else "cp1251")


# a history export of ten million lines is read in chunks, never whole: the
# verdict and the text are those of the whole file
WHOLE_FILES = [
    "Телефон;Имя\r\n".encode("cp1251") * 50,
    "Телефон;Имя\n".encode() * 50,
    codecs.BOM_UTF8 + "Телефон;Имя\n".encode() * 50,
    "Телефон;Имя\n".encode() * 10 + "Им".encode()[:-1],  # cut in a character
    *[(DATA / name).read_bytes() for name in sorted(p.name for p in DATA.glob("*"))],
]


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64, imp.CHUNK])
@pytest.mark.parametrize("index", range(len(WHOLE_FILES)))
def test_a_file_read_in_chunks_reads_as_the_whole(index, chunk):
    data = WHOLE_FILES[index]
    text, encoding = imp.decode(data)
    stream, found = imp.open_text(io.BytesIO(data), chunk=chunk)
    assert (found, stream.read()) == (encoding, text)


class CountingStream(io.BytesIO):
    """A file that counts the bytes read from it."""

    def __init__(self, data):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data


@pytest.mark.parametrize("index", range(len(WHOLE_FILES)))
def test_an_encoding_found_before_is_not_looked_for_again(index):
    """A dry run reads its file twice (the rows, then the rejected ones): the
    second read takes the first one's verdict and reads the file once only."""
    data = WHOLE_FILES[index]
    first = CountingStream(data)
    text, encoding = imp.open_text(first, chunk=64)
    whole = text.read()
    assert first.bytes_read == 2 * len(data)  # the verdict, then the text
    again = CountingStream(data)
    text2, encoding2 = imp.open_text(again, decided=(encoding, text.errors))
    assert (encoding2, text2.errors, text2.read()) == (encoding, text.errors, whole)
    assert again.bytes_read == len(data)


@pytest.mark.parametrize("chunk", [1, 3, 7, 400])
def test_a_refused_file_names_the_same_byte_in_chunks(chunk):
    data = b"a;b\n" * 100 + b"\x98\xff;1\n"  # neither UTF-8 nor cp1251
    with pytest.raises(imp.ImportFormatError) as err:
        imp.open_text(io.BytesIO(data), chunk=chunk)
    assert err.value.code == "bad_encoding"
    assert str(err.value).endswith("(byte 400).")


def _verdict(chunks):
    try:
        return imp.detect_encoding(chunks)
    except imp.ImportFormatError as exc:
        return str(exc)


@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=100).map(str.encode),
        st.text(alphabet="абвгґєїі;\n\x01 09", max_size=100).map(
            lambda t: t.encode("cp1251")
        ),
    ),
    st.integers(min_value=1, max_value=17),
)
def test_chunks_never_change_the_verdict(data, size):
    chunks = [data[i : i + size] for i in range(0, len(data), size)]
    assert _verdict(chunks) == _verdict([data])


def test_sniff_reads_the_first_lines_of_a_long_text():
    text = "phone;name;balance\n" + "+79161234567;Ivan, Petrov;1,5\n" * 50_000
    assert imp.sniff_delimiter(text) == ";"
    header, rows = imp.read_table(io.StringIO(text, newline=""), ";")
    assert header == ["phone", "name", "balance"]
    assert sum(1 for _ in rows) == 50_000


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_sniff_delimiter(delimiter):
    text = delimiter.join(["name", "phone", "balance"]) + "\n"
    text += delimiter.join(['"Ivanov, Ivan"', "+79161234567", "1,5"]) + "\n"
    assert imp.sniff_delimiter(text) == delimiter


def test_read_table_numbers_rows_and_flags_a_cut_line():
    header, rows = imp.read_table("a;b\n1;2\n\n3;4\n5")
    rows = list(rows)
    assert header == ["a", "b"]
    assert rows[0] == (2, {"a": "1", "b": "2"})
    assert rows[1] == (4, {"a": "3", "b": "4"})
    number, row = rows[2]
    assert number == 5
    assert imp.shape_reason(row, header).code == "bad_shape"


def test_read_table_refuses_repeated_columns():
    with pytest.raises(imp.ImportFormatError) as err:
        imp.read_table("a;a\n1;2\n")
    assert err.value.code == "bad_header"


# --------------------------------------------------------------------- values
@pytest.mark.parametrize(
    "raw", ["2024-03-31", "31.03.2024", "31/03/2024", "31.03.24", "20240331"]
)
def test_dates_in_several_spellings(raw):
    assert imp.parse_date(raw) == date(2024, 3, 31)


@pytest.mark.parametrize(
    "raw",
    [
        "31.02.2024",
        "2024-13-01",
        "yesterday",
        "32.01.2024",
        "01.01.0000",
        "0000-01-01",
        "01.01.0000 10:15",
    ],
)
def test_impossible_dates_are_refused(raw):
    with pytest.raises(imp.ImportFormatError) as err:
        imp.parse_date(raw)
    assert err.value.code == "bad_date"


def test_datetime_keeps_the_time():
    assert imp.parse_datetime("15.05.2026 10:15") == datetime(2026, 5, 15, 10, 15)
    assert imp.parse_datetime("2026-05-15") == datetime(2026, 5, 15)


@pytest.mark.parametrize(
    "raw, e164",
    [
        ("+7 (916) 123-45-67", "+79161234567"),
        ("8 916 123-45-67", "+79161234567"),
        ("79161234567", "+79161234567"),
        ("9161234567", "+79161234567"),
        ("+380 50 141 96 10", "+380501419610"),
        ("380501419610", "+380501419610"),
        ("050 141 96 10", "+380501419610"),
        ("(050) 141-96-10", "+380501419610"),
        ("00380501419610", "+380501419610"),
    ],
)
def test_phones_in_any_spelling_become_e164(raw, e164):
    assert imp.normalize_phone(raw) == e164


@pytest.mark.parametrize("raw", ["12345", "+7 916 123", "8 916 123 45 678", "phone"])
def test_bad_phones_are_refused(raw):
    with pytest.raises(imp.ImportFormatError) as err:
        imp.normalize_phone(raw)
    assert err.value.code == "bad_phone"


@given(st.integers(min_value=900_000_0000, max_value=999_999_9999))
def test_russian_mobiles_spelled_three_ways_agree(number):
    digits = str(number)
    spelled = [
        f"+7 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}",
        f"8{digits}",
        f"7 {digits}",
    ]
    assert {imp.normalize_phone(s) for s in spelled} == {f"+7{digits}"}


@pytest.mark.parametrize(
    "raw, value",
    [
        ("1 250,50", Decimal("1250.50")),
        ("1\u00a0250,5", Decimal("1250.5")),
        ("1.250,50", Decimal("1250.50")),
        ("1,250.50", Decimal("1250.50")),
        ("-50,00", Decimal("-50.00")),
        ("875", Decimal("875")),
    ],
)
def test_decimal_comma_and_thousands(raw, value):
    assert imp.parse_decimal(raw) == value


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_decimal_comma_round_trip(value):
    assert imp.parse_decimal(str(value).replace(".", ",")) == value


def test_card_numbers_check_digit():
    assert imp.parse_card("2991 0000 0001 6") == "2991000000016"
    with pytest.raises(imp.ImportFormatError) as err:
        imp.parse_card("2991000000017")
    assert err.value.code == "bad_check_digit"
    assert imp.parse_card("OLD-1234") == "OLD1234"


# ----------------------------------------------------------------------- rows
def member(**values):
    row = {
        "name": "Ivanova Maria",
        "phone": "+7 916 123-45-67",
        "card_number": "2991000000016",
        "opening_balance": "1 250,50",
        "accrued_on": "01.06.2026",
        "expires_on": "31.12.2027",
        "old_discount": "5",
        "consent_sms": "да",
        "attribute:shoe_size": "38",
    }
    row.update(values)
    return row


def codes(reasons):
    return sorted(r.code for r in reasons)


def test_a_good_member_row():
    clean, reasons = imp.validate_member(member(), ctx())
    assert reasons == []
    assert clean["phone"] == "+79161234567"
    assert clean["opening_minor"] == 125050
    assert clean["accrued_on"] == "2026-06-01"
    assert clean["expires_on"] == "2027-12-31"
    assert clean["tier_id"] == 12
    assert clean["consent_sms"] is True
    assert clean["card_state"] == "active"
    assert clean["attributes"] == {"shoe_size": "38"}


@pytest.mark.parametrize(
    "values, code",
    [
        ({"phone": "12345"}, "bad_phone"),
        ({"phone": ""}, "missing_phone"),
        ({"opening_balance": "-50,00"}, "negative_balance"),
        ({"opening_balance": "1,234"}, "bad_precision"),
        ({"opening_balance": "lots"}, "bad_number"),
        ({"expires_on": "01.01.2021"}, "expired"),
        ({"birthday": "31.02.1990"}, "bad_date"),
        ({"joined": "01.01.2099"}, "future_date"),
        ({"old_discount": "15"}, "unknown_discount"),
        ({"card_number": "2991000000017"}, "bad_check_digit"),
        ({"card_state": "eaten"}, "bad_card_state"),
        ({"email": "a@b"}, "bad_email"),
        ({"store": "S09"}, "unknown_store"),
        ({"consent_sms": "maybe"}, "bad_flag"),
    ],
)
def test_each_defect_has_its_reason(values, code):
    _clean, reasons = imp.validate_member(member(**values), ctx())
    assert codes(reasons) == [code]


def test_the_reason_names_the_file_column_and_value():
    _clean, reasons = imp.validate_member(
        member(phone="12345"), ctx(), columns={"phone": "Телефон"}
    )
    assert reasons[0].column == "Телефон"
    assert reasons[0].value == "12345"
    assert "12345" in reasons[0].message


def test_check_lines():
    clean, reasons = imp.validate_check_line(
        {
            "check_number": "A-1",
            "store": "s01",
            "date": "15.05.2026 10:15",
            "kind": "возврат",
            "sku": "SHOE-01",
            "qty": "1",
            "amount": "3 500,00",
        },
        ctx(),
    )
    assert reasons == []
    assert clean["kind"] == "refund"
    assert clean["amount_minor"] == -350000
    assert clean["store_id"] == 1
    assert clean["product_id"] == 101
    assert imp.check_key(clean) == ("A-1", 1, "2026-05-15")
    _clean, reasons = imp.validate_check_line(
        {"check_number": "A-2", "store": "S99", "date": "31.09.2026", "sku": "X"},
        ctx(),
    )
    assert codes(reasons) == [
        "bad_date",
        "missing_amount",
        "unknown_product",
        "unknown_store",
    ]


LINE_TEXTS = {
    "check_number": st.sampled_from(["A-1", "A-2", ""]),
    "store": st.sampled_from(["S01", "s02", "S99", ""]),
    "date": st.sampled_from(
        ["15.05.2026 10:15", "2026-05-15", "31.09.2026", "01.01.2027 10:00", "", "x"]
    ),
    "kind": st.sampled_from(["продажа", "возврат", "", "обмен"]),
    "phone": st.sampled_from(["8 903 700-11-22", "+380 50 700 11 33", "12", ""]),
    "card_number": st.sampled_from(["2991000000016", "2991000000017", "AB", ""]),
    "sku": st.sampled_from(["SHOE-01", "HAT-99", ""]),
    "qty": st.sampled_from(["1", "2,5", "x", ""]),
    "amount": st.sampled_from(["3 500,00", "199", "1.2.3", "0,005", ""]),
}


@given(st.lists(st.fixed_dictionaries(LINE_TEXTS), min_size=1, max_size=12))
def test_a_text_met_before_is_read_as_the_first_time(lines):
    """The memo of a file's texts (a check's lines repeat them) changes no
    line: each line reads as it would alone, reasons in the same order."""
    shared = ctx()
    columns = {"date": "Дата", "amount": "Сумма"}
    for values in lines:
        assert imp.validate_check_line(
            values, shared, columns
        ) == imp.validate_check_line(values, ctx(), columns)


# ------------------------------------------------------------- the sample files
def sample(name):
    text, encoding = imp.decode((DATA / name).read_bytes())
    assert encoding == "cp1251"
    assert imp.sniff_delimiter(text) == ";"
    return imp.read_table(text)


def test_sample_members_file_defects_are_all_found():
    header, rows = sample("old_system_members.csv")
    mapping = imp.guess_mapping(header, ["shoe_size"])
    mapping["Размер обуви"] = "attribute:shoe_size"
    columns = {t: c for c, t in mapping.items()}
    found = {}
    for number, row in rows:
        shape = imp.shape_reason(row, header)
        if shape:
            found[number] = [shape.code]
            continue
        values = {mapping[c]: v for c, v in row.items() if c in mapping}
        _clean, reasons = imp.validate_member(values, ctx(), columns)
        found[number] = codes(reasons)
    assert found == {
        2: [],
        3: [],
        4: [],
        5: [],
        6: [],
        7: [],
        8: ["bad_phone"],
        9: ["bad_date"],
        10: ["negative_balance"],
        11: [],  # a card of row 2: the dry run's duplicates (in SQL)
        12: [],  # a phone of row 2
        13: ["unknown_discount"],
        14: ["bad_check_digit"],
        15: ["bad_email"],
        16: ["expired"],
        17: ["unknown_store"],
        18: [],
        19: ["bad_shape"],
    }


def test_error_file_is_the_input_with_a_reason_column():
    header, rows = imp.read_table("a;b\n1;2\n3;4\n5\n")
    rows = list(rows)
    data = imp.error_file(header, rows, {3: "bad b", 4: "cut"}, reason_title="why")
    text, encoding = imp.decode(data)
    assert encoding == "utf-8-sig"
    assert text.splitlines() == ["a;b;why", "3;4;bad b", "5;;cut"]


def test_spreadsheet_cells_read_as_a_csv_export_writes_them():
    assert imp.cell_text(datetime(2019, 1, 15)) == "2019-01-15"
    assert imp.cell_text(datetime(2026, 5, 15, 10, 15)) == "2026-05-15 10:15:00"
    assert imp.cell_text(date(1985, 3, 12)) == "1985-03-12"
    assert imp.cell_text(79161234567.0) == "79161234567"
    assert imp.cell_text(1250.5) == "1250.5"
    assert imp.cell_text(None) == ""
    header, rows = imp.read_sheet(
        [("phone", "balance", None), (79161234567, 1250.5), (None, None), ("x", 1, 2)]
    )
    assert header == ["phone", "balance"]
    assert list(rows) == [
        (2, {"phone": "79161234567", "balance": "1250.5"}),
        (4, {"phone": "x", "balance": "1"}),
    ]
    with pytest.raises(imp.ImportFormatError):
        imp.read_sheet([("phone", "phone")])


# ------------------------------------------------------- the fast date spellings
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_the_usual_date_spellings_read_as_strptime_reads_them(day):
    assert imp.parse_date(day.strftime("%d.%m.%Y")) == day
    assert imp.parse_date(day.isoformat()) == day
    moment = datetime(day.year, day.month, day.day, 9, 5, 7)
    assert imp.parse_datetime(moment.strftime("%d.%m.%Y %H:%M:%S")) == moment
    assert imp.parse_datetime(moment.strftime("%d.%m.%Y %H:%M")) == moment.replace(
        second=0
    )


@pytest.mark.parametrize("raw", ["29.02.2023", "31.04.2026", "2026-02-30"])
def test_an_impossible_day_of_a_usual_spelling_is_refused(raw):
    with pytest.raises(imp.ImportFormatError) as err:
        imp.parse_date(raw)
    assert err.value.code == "bad_date"


def test_an_impossible_hour_is_refused():
    with pytest.raises(imp.ImportFormatError) as err:
        imp.parse_datetime("15.05.2026 25:10")
    assert err.value.code == "bad_date"


# -------------------------------------------------------- card and product files
def test_a_card_file_row():
    clean, reasons = imp.validate_card(
        {"card_number": "2991000000016", "phone": "8 916 123 45 67"}, ctx()
    )
    assert reasons == []
    assert (clean["card_number"], clean["phone"], clean["card_state"]) == (
        "2991000000016",
        "+79161234567",
        "active",
    )
    _clean, reasons = imp.validate_card(
        {"card_number": "", "phone": "", "card_state": "заменена"}, ctx()
    )
    assert codes(reasons) == ["missing_card", "missing_phone"]


def test_a_products_file_row_adds_what_the_product_lacks():
    known = ctx(product_values={101: {"colour": "Чёрный"}})
    clean, reasons = imp.validate_product(
        {"sku": "SHOE-01", "colour": "чёрный", "size": " 38 ", "brand": "Ecco"}, known
    )
    assert reasons == []
    assert clean["product_id"] == 101
    assert clean["attributes"] == {"size": "38", "brand": "Ecco"}
    _clean, reasons = imp.validate_product({"sku": "SHOE-01", "colour": "Red"}, known)
    assert codes(reasons) == ["attribute_conflict"]
    _clean, reasons = imp.validate_product({"sku": "HAT-99"}, known)
    assert codes(reasons) == ["unknown_product"]
    _clean, reasons = imp.validate_product({"colour": "Red"}, known)
    assert codes(reasons) == ["missing_product"]


def test_the_guess_keeps_to_the_kind_of_file():
    header = ["Артикул", "Цвет", "Размер", "Телефон"]
    assert imp.guess_mapping(header, kind="products") == {
        "Артикул": "sku",
        "Цвет": "colour",
        "Размер": "size",
    }
    assert imp.guess_mapping(header, kind="cards") == {"Телефон": "phone"}


def test_the_sample_files_of_one_move_in():
    header, rows = sample("old_system_products.csv")
    mapping = imp.guess_mapping(header, kind="products")
    assert set(mapping.values()) == {
        "sku",
        "barcode",
        "colour",
        "size",
        "collection",
        "brand",
    }
    header, rows = sample("old_system_cards.csv")
    assert set(imp.guess_mapping(header, kind="cards").values()) == {
        "card_number",
        "phone",
        "card_state",
    }
    assert len(list(rows)) == 7
