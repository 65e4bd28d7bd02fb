"""Reading files exported by old discount systems: encodings, delimiters, dates,
phones, amounts, and the validation of each row with its reasons.

Plain Python: the Odoo side stages what :func:`validate_member` and
:func:`validate_check_line` return and translates the reasons by their code.
A reason is ``Reason(column, value, code, message)``; the message is English
with ``%(name)s`` placeholders already filled (the core speaks English only).
"""

import calendar
import codecs
import csv
import io
import itertools
import re
from collections import namedtuple
from datetime import MAXYEAR, MINYEAR, date, datetime
from decimal import Decimal, InvalidOperation

from . import cards, money

DELIMITERS = (";", ",", "\t", "|")
# what a file holds (the labels are translated by the fields that use them)
KINDS = [
    ("members", "Members and balances"),
    ("cards", "Cards"),
    ("checks", "Purchase history"),
    ("products", "Product attributes"),
]
Reason = namedtuple("Reason", "column value code message")

# the columns of a members file and of a purchase history file, by target name
MEMBER_TARGETS = (
    "external_id",
    "name",
    "phone",
    "email",
    "birthday",
    "joined",
    "store",
    "card_number",
    "card_state",
    "opening_balance",
    "accrued_on",
    "expires_on",
    "old_discount",
    "consent_sms",
    "consent_email",
    "consent_date",
    "consent_source",
)
CHECK_TARGETS = (
    "check_number",
    "store",
    "date",
    "kind",
    "phone",
    "card_number",
    "sku",
    "barcode",
    "qty",
    "amount",
)
# a card file: each card with its holder (the phone of a member) and state
CARD_TARGETS = ("phone", "card_number", "card_state")
# a products file: a product by SKU or barcode and its attributes for analytics
PRODUCT_ATTRIBUTES = ("colour", "size", "collection", "brand")
PRODUCT_TARGETS = ("sku", "barcode", *PRODUCT_ATTRIBUTES)
# the names an attribute of the analytics has in Odoo (any case)
PRODUCT_ATTRIBUTE_NAMES = {
    "colour": ("Colour", "Color", "Цвет", "Колір"),
    "size": ("Size", "Размер", "Розмір"),
    "collection": ("Collection", "Коллекция", "Колекція"),
    "brand": ("Brand", "Бренд", "Марка"),
}
TARGETS = {
    "members": MEMBER_TARGETS,
    "cards": CARD_TARGETS,
    "checks": CHECK_TARGETS,
    "products": PRODUCT_TARGETS,
}
ATTRIBUTE_PREFIX = "attribute:"
CARD_STATES = {
    "active": "active",
    "активна": "active",
    "активная": "active",
    "активна́": "active",
    "blocked": "blocked",
    "заблокирована": "blocked",
    "заблокована": "blocked",
    "lost": "lost",
    "утеряна": "lost",
    "втрачена": "lost",
    "replaced": "replaced",
    "заменена": "replaced",
    "замінена": "replaced",
}
CHECK_KINDS = {
    "sale": "sale",
    "продажа": "sale",
    "продаж": "sale",
    "return": "refund",
    "refund": "refund",
    "возврат": "refund",
    "повернення": "refund",
}
TRUE_WORDS = {"1", "y", "yes", "true", "да", "так", "+", "x", "д", "т"}
FALSE_WORDS = {"0", "n", "no", "false", "нет", "ні", "-", "н", ""}
# the usual column titles of old systems, guessed as the target
HEADER_GUESSES = {
    "id": "external_id",
    "код": "external_id",
    "external_id": "external_id",
    "фио": "name",
    "піб": "name",
    "name": "name",
    "клиент": "name",
    "телефон": "phone",
    "phone": "phone",
    "тел": "phone",
    "email": "email",
    "e-mail": "email",
    "почта": "email",
    "дата рождения": "birthday",
    "дата народження": "birthday",
    "birthday": "birthday",
    "дата регистрации": "joined",
    "дата реєстрації": "joined",
    "joined": "joined",
    "магазин": "store",
    "store": "store",
    "карта": "card_number",
    "номер карты": "card_number",
    "card_number": "card_number",
    "статус карты": "card_state",
    "card_state": "card_state",
    "баланс": "opening_balance",
    "бонусы": "opening_balance",
    "opening_balance": "opening_balance",
    "дата начисления": "accrued_on",
    "accrued_on": "accrued_on",
    "сгорают": "expires_on",
    "дата сгорания": "expires_on",
    "expires_on": "expires_on",
    "скидка": "old_discount",
    "скидка %": "old_discount",
    "old_discount": "old_discount",
    "old_discount_percent": "old_discount",
    "смс": "consent_sms",
    "sms": "consent_sms",
    "согласие смс": "consent_sms",
    "consent_sms": "consent_sms",
    "согласие email": "consent_email",
    "consent_email": "consent_email",
    "дата согласия": "consent_date",
    "consent_date": "consent_date",
    "источник согласия": "consent_source",
    "consent_source": "consent_source",
    "номер чека": "check_number",
    "чек": "check_number",
    "check_number": "check_number",
    "дата": "date",
    "date": "date",
    "операция": "kind",
    "kind": "kind",
    "артикул": "sku",
    "sku": "sku",
    "штрихкод": "barcode",
    "barcode": "barcode",
    "количество": "qty",
    "кол-во": "qty",
    "qty": "qty",
    "сумма": "amount",
    "amount": "amount",
    "цвет": "colour",
    "колір": "colour",
    "color": "colour",
    "colour": "colour",
    "размер": "size",
    "розмір": "size",
    "size": "size",
    "коллекция": "collection",
    "колекція": "collection",
    "collection": "collection",
    "бренд": "brand",
    "марка": "brand",
    "brand": "brand",
}

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%d.%m.%y",
    "%Y%m%d",
)
_TIME_FORMATS = ("%H:%M:%S", "%H:%M")
_DOTTED = re.compile(r"^(?P<d>\d{2})\.(?P<m>\d{2})\.(?P<y>\d{4})$")
_ISO = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$")
_HOUR = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))?$")
_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
_SPACES = (" ", "\u00a0", "\u202f", "\u2009", "'")


class ImportFormatError(ValueError):
    """A value or a file that cannot be read; ``code`` names the reason."""

    def __init__(self, code, message, /, **params):
        self.code = code
        self.params = params
        super().__init__(message % params if params else message)


# ------------------------------------------------------------------ the file
# a file is read in chunks of this size: a history export of ten million lines
# (700 MB) is larger than an Odoo worker's memory limit
CHUNK = 1 << 22
# the delimiter is guessed from the first lines, at most this many characters
SNIFF_CHARS = 1 << 16


def decode(data):
    """(text, encoding) of a file's bytes: UTF-8 with or without BOM, else
    cp1251 (the 1C and old Windows exports). A file that is neither raises
    ``bad_encoding``."""
    if not isinstance(data, bytes | bytearray):
        raise TypeError("data must be bytes")
    data = bytes(data)
    encoding, errors = detect_encoding([data])
    return data.decode(encoding, errors), encoding


def open_text(stream, chunk=CHUNK, decided=None):
    """(text stream, encoding) of a binary file object that can seek: read
    twice in chunks (the encoding found first), never held whole. ``decided``:
    the (encoding, errors) found for these very bytes before, not looked for
    again (the text stream's ``errors`` says which were used)."""
    stream.seek(0)
    if decided:
        encoding, errors = decided
    else:
        encoding, errors = detect_encoding(iter(lambda: stream.read(chunk), b""))
        stream.seek(0)
    return io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline=""), (
        encoding
    )


class _Scan:
    """One candidate encoding read chunk by chunk: whether it decodes, and
    what the decoded text holds (what :func:`detect_encoding` decides on)."""

    def __init__(self, encoding):
        self.decoder = codecs.getincrementaldecoder(encoding)()
        self.failed = None  # (reason, byte position)
        self.offset = 0  # bytes fed before the current chunk
        self.length = 0  # characters decoded
        self.controls = 0
        self.nul = self.implausible = self.nonascii = False

    def feed(self, chunk, final=False):
        if self.failed:
            return
        buffered = len(self.decoder.getstate()[0])
        try:
            text = self.decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            self.failed = (exc.reason, self.offset - buffered + exc.start)
            return
        finally:
            self.offset += len(chunk)
        self.length += len(text)
        self.controls += len(_CONTROL.findall(text))
        self.nul = self.nul or "\x00" in text
        self.nonascii = self.nonascii or not text.isascii()
        self.implausible = self.implausible or not _plausible(text)

    @property
    def cut(self):
        """Decoded up to a character cut at the very end of the file."""
        return bool(self.failed) and self.failed[0] == "unexpected end of data"

    def check_text(self):
        if self.nul or (self.length and self.controls / self.length > 0.01):
            raise ImportFormatError(
                "bad_encoding", "The file is neither UTF-8 nor cp1251 text."
            )


def detect_encoding(chunks):
    """(encoding, errors) to read a file given as byte chunks: UTF-8 with a
    BOM (``utf-8-sig``), UTF-8, else cp1251; ``errors`` is ``ignore`` only for
    a UTF-8 file cut in the middle of its last character. A file that is
    neither raises ``bad_encoding``."""
    chunks = iter(chunks)
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= len(codecs.BOM_UTF8):
            break
    if head.startswith(codecs.BOM_UTF8):
        scan = _Scan("utf-8")
        for chunk in itertools.chain([head[3:]], chunks):
            scan.feed(chunk)
        scan.feed(b"", final=True)
        if scan.failed:
            raise _bad_encoding(scan.failed[1])
        scan.check_text()
        return "utf-8-sig", "strict"
    utf8, legacy = _Scan("utf-8"), _Scan("cp1251")
    for chunk in itertools.chain([head], chunks):
        utf8.feed(chunk)
        legacy.feed(chunk)
    utf8.feed(b"", final=True)
    legacy.feed(b"", final=True)
    # a UTF-8 file cut in the middle of a character: only its tail fails
    is_utf8 = not utf8.failed or (utf8.cut and utf8.nonascii)
    # UTF-8 unless it reads as nonsense where cp1251 reads as text
    if is_utf8 and (not utf8.implausible or legacy.failed or legacy.implausible):
        chosen = utf8
    elif legacy.failed:
        raise _bad_encoding(legacy.failed[1])
    else:
        chosen = legacy
    chosen.check_text()
    if chosen is legacy:
        return "cp1251", "strict"
    return "utf-8", "ignore" if utf8.failed else "strict"


# what a Latin or Cyrillic text file holds (cp1251 bytes read as UTF-8 make
# Thai, CJK or private-use characters instead)
_IMPLAUSIBLE = re.compile("[^\x00-\u024f\u0400-\u052f\u2000-\u20cf\u2116\u2122]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _plausible(text):
    """True when every character of ``text`` is one a Latin or Cyrillic text
    file holds (searched by a regular expression: files of a million rows)."""
    return not _IMPLAUSIBLE.search(text)


def _bad_encoding(position):
    return ImportFormatError(
        "bad_encoding",
        "The file is neither UTF-8 nor cp1251 text (byte %(position)s).",
        position=position,
    )


def sniff_delimiter(text):
    """The delimiter of a CSV text: the candidate found the same number of times
    (and at least once) on the most of the first lines, the header first."""
    lines = text[:SNIFF_CHARS].splitlines()
    if len(text) > SNIFF_CHARS:
        lines = lines[:-1]  # cut in the middle
    lines = [ln for ln in lines[:20] if ln.strip()]
    if not lines:
        raise ImportFormatError("empty_file", "The file is empty.")
    best, best_score = None, 0
    for delimiter in DELIMITERS:
        counts = [_count_outside_quotes(ln, delimiter) for ln in lines]
        head = counts[0]
        if not head:
            continue
        score = sum(1 for c in counts if c == head) * 1000 + head
        if score > best_score:
            best, best_score = delimiter, score
    if best is None:
        raise ImportFormatError(
            "no_delimiter",
            "No column delimiter found in the header (tried ; , tab |).",
        )
    return best


def _count_outside_quotes(line, delimiter):
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


def read_table(text, delimiter=None):
    """(header, rows) of a CSV text, or of a text stream (:func:`open_text`,
    with its delimiter); ``rows`` is an iterator of (row number,
    {column: value}), row 1 being the header. A row with another number of
    fields than the header comes with its fields under the key ``None`` (see
    :func:`shape_reason`)."""
    if isinstance(text, str):
        text = text.lstrip("\ufeff")
        delimiter = delimiter or sniff_delimiter(text)
        text = io.StringIO(text, newline="")
    elif not delimiter:
        raise TypeError("a text stream is read with its delimiter")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportFormatError("empty_file", "The file is empty.") from None
    if len(set(header)) != len(header) or not all(header):
        raise ImportFormatError(
            "bad_header",
            "The header has empty or repeated column names: %(header)s",
            header=delimiter.join(header),
        )
    return header, _rows(reader, header)


def _rows(reader, header):
    number = 1
    for fields in reader:
        number += 1
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            yield number, {None: fields}
        else:
            yield number, dict(zip(header, fields, strict=True))


def cell_text(value):
    """A spreadsheet cell as the text a CSV export holds: dates as ISO, whole
    numbers without ".0" (a phone or a card typed as a number), empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return str(Decimal(repr(value)))
    return str(value).strip()


def read_sheet(values):
    """(header, rows) of a spreadsheet's rows of cell values, the first being the
    header, as :func:`read_table` gives them (row numbers are the sheet's)."""
    values = iter(values)
    try:
        header = [cell_text(v) for v in next(values)]
    except StopIteration:
        raise ImportFormatError("empty_file", "The file is empty.") from None
    while header and not header[-1]:
        header.pop()
    if not header or len(set(header)) != len(header) or not all(header):
        raise ImportFormatError(
            "bad_header",
            "The header has empty or repeated column names: %(header)s",
            header=";".join(header),
        )
    return header, _sheet_rows(values, header)


def _sheet_rows(values, header):
    for number, cells in enumerate(values, start=2):
        fields = [cell_text(v) for v in cells]
        if not any(fields):
            continue
        fields = (fields + [""] * len(header))[: len(header)]
        yield number, dict(zip(header, fields, strict=True))


def shape_reason(row, header):
    """The reason of a row whose fields do not match the header (a file cut in
    the middle, a stray delimiter), else None."""
    if None not in row:
        return None
    fields = row[None]
    return Reason(
        "",
        ";".join(fields),
        "bad_shape",
        f"The row has {len(fields)} fields, the header {len(header)} (a line cut "
        "in the middle or a stray delimiter).",
    )


def guess_mapping(header, attribute_codes=(), kind=None):
    """{column: target} guessed from the column titles (known titles of old
    systems, the target names themselves, questionnaire codes); with ``kind``,
    only the targets of that kind of file."""
    codes = {c.lower(): c for c in attribute_codes}
    targets = TARGETS.get(kind)
    mapping = {}
    for column in header:
        key = column.strip().lower()
        if key in HEADER_GUESSES:
            if targets is None or HEADER_GUESSES[key] in targets:
                mapping[column] = HEADER_GUESSES[key]
        elif key in codes and kind in (None, "members"):
            mapping[column] = ATTRIBUTE_PREFIX + codes[key]
    return mapping


# ---------------------------------------------------------------- the values
def parse_date(raw, column="date"):
    """A date in one of the usual spellings (ISO, 31.12.2024, 31/12/2024,
    31.12.24, 20241231); a date-time keeps its date. Impossible dates raise."""
    text = (raw or "").strip()
    if not text:
        return None
    head = text.split("T")[0].split(" ")[0]
    # the two usual spellings without strptime (a million rows hold millions
    # of dates); an impossible one still raises below
    match = _DOTTED.match(head) or _ISO.match(head)
    if match:
        day, month, year = (int(g) for g in match.group("d", "m", "y"))
        if (
            MINYEAR <= year <= MAXYEAR
            and 1 <= month <= 12
            and 1 <= day <= calendar.monthrange(year, month)[1]
        ):
            return date(year, month, day)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(head, fmt).date()
        except ValueError:
            continue
    raise ImportFormatError(
        "bad_date", "%(column)s: '%(value)s' is not a date.", column=column, value=raw
    )


def parse_datetime(raw, column="date"):
    """A date-time (a date alone is midnight) in the spellings of
    :func:`parse_date` followed by HH:MM or HH:MM:SS."""
    text = (raw or "").strip().replace("T", " ")
    if not text:
        return None
    day_part, _sep, time_part = text.partition(" ")
    day = parse_date(day_part, column)
    if not time_part.strip():
        return datetime(day.year, day.month, day.day)
    match = _HOUR.match(time_part.strip())
    if match:
        hour, minute, second = (int(g or 0) for g in match.groups())
        if hour < 24 and minute < 60 and second < 60:
            return datetime(day.year, day.month, day.day, hour, minute, second)
    for fmt in _TIME_FORMATS:
        try:
            moment = datetime.strptime(time_part.strip(), fmt).time()
            return datetime.combine(day, moment)
        except ValueError:
            continue
    raise ImportFormatError(
        "bad_date", "%(column)s: '%(value)s' is not a date.", column=column, value=raw
    )


def normalize_phone(raw, default_country="7"):
    """A phone in any usual spelling as E.164: +7 999 123-45-67, 8 (999)
    123-45-67, 79991234567, +380 50 123 45 67, 380501234567, 050 123 45 67.
    ``default_country`` is the code meant by a bare ten-digit number that does
    not start with 0 (7 for Russia)."""
    text = (raw or "").strip()
    if not text:
        return None
    compact = text
    for separator in cards._PHONE_SEPARATORS:
        compact = compact.replace(separator, "")
    plus = compact.startswith("+")
    digits = compact[1:] if plus else compact
    if digits.startswith("00"):
        digits, plus = digits[2:], True
    if not digits.isdigit() or not digits.isascii():
        raise _bad_phone(raw)
    if not plus:
        if len(digits) == 11 and digits[0] == "8":
            digits = "7" + digits[1:]
        elif len(digits) == 10 and digits[0] == "0":
            digits = "38" + digits
        elif len(digits) == 10 and default_country:
            digits = default_country + digits
        elif len(digits) == 11 and digits[0] == "7":
            pass
        elif len(digits) == 12 and digits.startswith("380"):
            pass
        else:
            raise _bad_phone(raw)
    if digits.startswith("7") and len(digits) != 11:
        raise _bad_phone(raw)
    if digits.startswith("380") and len(digits) != 12:
        raise _bad_phone(raw)
    if not cards.PHONE_MIN_DIGITS <= len(digits) <= cards.PHONE_MAX_DIGITS:
        raise _bad_phone(raw)
    if digits[0] == "0":
        raise _bad_phone(raw)
    return "+" + digits


def _bad_phone(raw):
    return ImportFormatError(
        "bad_phone", "'%(value)s' is not a phone number.", value=raw
    )


def parse_decimal(raw, column="amount"):
    """A number as a Decimal: decimal comma or point, spaces or apostrophes as
    thousands separators (1 234,50 / 1'234.50 / 1234,5)."""
    text = (raw or "").strip()
    if not text:
        return None
    for space in _SPACES:
        text = text.replace(space, "")
    if "," in text and "." in text:
        # the last one is the decimal mark, the other groups thousands
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    if text.count(".") > 1:
        raise _bad_number(column, raw)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _bad_number(column, raw) from None
    if not value.is_finite():
        raise _bad_number(column, raw)
    return value


def _bad_number(column, raw):
    return ImportFormatError(
        "bad_number",
        "%(column)s: '%(value)s' is not a number.",
        column=column,
        value=raw,
    )


def parse_bool(raw, column="consent"):
    text = (raw or "").strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ImportFormatError(
        "bad_flag",
        "%(column)s: '%(value)s' is neither yes nor no.",
        column=column,
        value=raw,
    )


def parse_card(raw):
    """A card number as the till reads it: EAN-13 with its check digit, or a
    4-32 character code of an old system; None when empty."""
    code = cards.normalize_code(raw or "")
    if not code:
        return None
    if code.isdigit() and len(code) == 13:
        if not cards.is_valid_ean13(code):
            raise ImportFormatError(
                "bad_check_digit",
                "Card number %(value)s has a wrong check digit.",
                value=code,
            )
        return code
    if cards._is_code(code):
        return code
    raise ImportFormatError("bad_card", "'%(value)s' is not a card number.", value=raw)


# ------------------------------------------------------------------ the rows
class Context:
    """What a validation needs to know about the club: minor digits of the
    bonus unit, the known stores, tiers by old discount, known products, the
    questionnaire's codes, the day of the import."""

    def __init__(
        self,
        today,
        digits=2,
        money_digits=2,
        stores=None,
        discounts=None,
        products=None,
        attributes=(),
        default_country="7",
        require_store=False,
        product_values=None,
    ):
        self.today = today
        self.digits = digits
        self.money_digits = money_digits
        self.stores = {k.strip().lower(): v for k, v in (stores or {}).items()}
        self.discounts = {Decimal(str(k)): v for k, v in (discounts or {}).items()}
        self.products = {k.strip(): v for k, v in (products or {}).items()}
        self.attributes = set(attributes)
        self.default_country = default_country
        self.require_store = require_store
        # {product id: {attribute target: value}} the products have already
        self.product_values = product_values or {}
        # {(target, text): parsed value or its ImportFormatError}: the lines of
        # a check repeat its date, member and store, a history its amounts
        self.memo = {}


MEMO_SIZE = 100_000
_MISSING = object()


def _memo(ctx, target, text, parse):
    """``parse(text)`` once per text of a target in a file (the value, or the
    ImportFormatError it raised); the memo starts again when full."""
    key = (target, text)
    memo = ctx.memo
    value = memo.get(key, _MISSING)
    if value is not _MISSING:
        return value
    try:
        value = parse(text)
    except ImportFormatError as exc:
        value = exc
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


def _memo_field(reasons, ctx, target, column, text, parse):
    """:func:`_field` through the memo."""
    value = _memo(ctx, target, text, parse)
    if isinstance(value, ImportFormatError):
        reasons.append(Reason(column, text, value.code, str(value)))
        return None
    return value


def _field(reasons, column, raw, parse):
    try:
        return parse()
    except ImportFormatError as exc:
        reasons.append(Reason(column, raw, exc.code, str(exc)))
        return None


def _reason(reasons, column, raw, code, message, /, **params):
    reasons.append(Reason(column, raw, code, message % params if params else message))


class _Row:
    """One row being validated: raw text by target, the file's column of each
    target, the reasons found and the clean values."""

    def __init__(self, values, ctx, columns):
        self.values, self.ctx, self.columns = values, ctx, columns or {}
        self.reasons, self.clean = [], {}

    def col(self, target):
        return self.columns.get(target, target)

    def raw(self, target):
        return (self.values.get(target) or "").strip()

    def parse(self, target, parse):
        """``clean[target]`` from ``parse(raw)``, a reason when it fails."""
        text = self.raw(target)
        self.clean[target] = _field(
            self.reasons, self.col(target), text, lambda: parse(text)
        )
        return self.clean[target]

    def reject(self, target, code, message, /, **params):
        _reason(
            self.reasons, self.col(target), self.raw(target), code, message, **params
        )

    def has(self, target):
        return _has(self.reasons, self.col(target))


MEMBER_DATES = ("birthday", "joined", "accrued_on", "expires_on", "consent_date")


def validate_member(values, ctx, columns=None):
    """(clean, reasons) of one members row. ``values`` maps a target to the raw
    text; ``columns`` maps a target back to the file's column (for the report).
    ``clean`` holds JSON-ready values (dates as ISO strings, amounts in minor
    units) and is only meaningful when ``reasons`` is empty."""
    row = _Row(values, ctx, columns)
    for step in (
        _member_identity,
        _member_dates,
        _member_card,
        _member_balance,
        _member_tier_store,
        _member_consents,
    ):
        step(row)
    clean = row.clean
    for key in MEMBER_DATES:
        clean[key] = clean[key].isoformat() if clean[key] else None
    return clean, row.reasons


def _member_identity(row):
    clean = row.clean
    clean["external_id"] = row.raw("external_id") or None
    clean["name"] = " ".join(row.raw("name").split()) or None
    row.parse("phone", lambda t: normalize_phone(t, row.ctx.default_country))
    if not clean["phone"] and not row.has("phone"):
        row.reject("phone", "missing_phone", "The phone is missing.")
    if not clean["name"]:
        clean["name"] = clean["phone"]
    email = row.raw("email")
    if email and not _EMAIL.match(email):
        row.reject(
            "email", "bad_email", "'%(value)s' is not an e-mail address.", value=email
        )
    clean["email"] = email.lower() or None


def _member_dates(row):
    for target in MEMBER_DATES:
        row.parse(target, lambda t, target=target: parse_date(t, target))
    for target in ("birthday", "joined", "accrued_on", "consent_date"):
        day = row.clean[target]
        if day and day > row.ctx.today:
            row.reject(
                target,
                "future_date",
                "%(column)s: %(value)s is in the future.",
                column=row.col(target),
                value=row.raw(target),
            )
    if row.clean["birthday"] and row.clean["birthday"].year < 1900:
        row.reject(
            "birthday",
            "bad_date",
            "%(column)s: '%(value)s' is not a date.",
            column=row.col("birthday"),
            value=row.raw("birthday"),
        )


def _member_card(row):
    row.parse("card_number", parse_card)
    state = row.raw("card_state").lower()
    row.clean["card_state"] = CARD_STATES.get(state, "active" if not state else None)
    if row.clean["card_state"] is None:
        row.reject(
            "card_state",
            "bad_card_state",
            "'%(value)s' is not a card state (active, blocked, lost, replaced).",
            value=row.raw("card_state"),
        )


def _member_balance(row):
    clean, ctx = row.clean, row.ctx
    balance = row.parse(
        "opening_balance", lambda t: parse_decimal(t, row.col("opening_balance"))
    )
    clean["opening_minor"] = 0
    text = row.raw("opening_balance")
    if balance is not None:
        minor = money.to_minor(balance, ctx.digits)
        if balance < 0:
            row.reject(
                "opening_balance",
                "negative_balance",
                "The balance %(value)s is negative.",
                value=text,
            )
        elif balance != money.from_minor(minor, ctx.digits):
            row.reject(
                "opening_balance",
                "bad_precision",
                "The balance %(value)s has more than %(digits)s decimals.",
                value=text,
                digits=ctx.digits,
            )
        else:
            clean["opening_minor"] = minor
    clean["opening_balance"] = None
    expires = clean["expires_on"]
    if expires and clean["opening_minor"] and expires <= ctx.today:
        row.reject(
            "expires_on",
            "expired",
            "The balance expired on %(value)s: nothing to carry.",
            value=row.raw("expires_on"),
        )


def _member_tier_store(row):
    clean, ctx = row.clean, row.ctx
    discount = row.parse(
        "old_discount",
        lambda t: parse_decimal(t.rstrip("%"), row.col("old_discount")),
    )
    clean["old_discount"] = None
    clean["tier_id"] = None
    if discount is not None:
        if discount not in ctx.discounts:
            row.reject(
                "old_discount",
                "unknown_discount",
                "No tier is mapped to the old discount %(value)s.",
                value=row.raw("old_discount"),
            )
        else:
            clean["tier_id"] = ctx.discounts[discount]
            clean["old_discount"] = str(discount)
    store = row.raw("store")
    clean["store_id"] = ctx.stores.get(store.lower()) if store else None
    if store and clean["store_id"] is None:
        row.reject("store", "unknown_store", "Unknown store '%(value)s'.", value=store)


def _member_consents(row):
    clean = row.clean
    for target in ("consent_sms", "consent_email"):
        row.parse(target, lambda t, target=target: parse_bool(t, target))
    source = row.raw("consent_source").lower() or "import"
    clean["consent_source"] = source if source in CONSENT_SOURCES else "import"
    attributes = {}
    for target, text in row.values.items():
        if target and target.startswith(ATTRIBUTE_PREFIX) and (text or "").strip():
            code = target[len(ATTRIBUTE_PREFIX) :]
            if code in row.ctx.attributes:
                attributes[code] = text.strip()
    clean["attributes"] = attributes


CONSENT_SOURCES = ("pos", "portal", "import", "api", "backoffice")


def validate_card(values, ctx, columns=None):
    """(clean, reasons) of one row of a card file: the card, its state and its
    holder's phone."""
    row = _Row(values, ctx, columns)
    row.parse("phone", lambda t: normalize_phone(t, row.ctx.default_country))
    if not row.clean["phone"] and not row.has("phone"):
        row.reject("phone", "missing_phone", "The phone is missing.")
    _member_card(row)
    if not row.clean["card_number"] and not row.has("card_number"):
        row.reject("card_number", "missing_card", "The card number is missing.")
    return row.clean, row.reasons


def validate_product(values, ctx, columns=None):
    """(clean, reasons) of one row of a products file: the product (by barcode,
    else SKU) and the attributes to give it, ``clean["attributes"]`` being
    {target: value} without the values the product has already. A product
    that has another value of an attribute is refused (the import adds what
    is missing, it never changes a product)."""
    row = _Row(values, ctx, columns)
    product = None
    for target in ("barcode", "sku"):
        key = row.raw(target)
        if key:
            product = ctx.products.get(key)
            if product is None:
                row.reject(
                    target, "unknown_product", "Unknown product '%(value)s'.", value=key
                )
            break
    else:
        row.reject("sku", "missing_product", "Neither a SKU nor a barcode.")
    row.clean["product_id"] = product
    has = ctx.product_values.get(product) or {}
    attributes = {}
    for target in PRODUCT_ATTRIBUTES:
        value = " ".join(row.raw(target).split())
        if not value:
            continue
        current = has.get(target)
        if current is None:
            attributes[target] = value
        elif current.casefold() != value.casefold():
            row.reject(
                target,
                "attribute_conflict",
                "The product is '%(current)s' already, not '%(value)s'.",
                current=current,
                value=value,
            )
    row.clean["attributes"] = attributes
    return row.clean, row.reasons


def _has(reasons, column):
    return any(r.column == column for r in reasons)


def _check_moment(text):
    moment = parse_datetime(text, "date")
    return (moment, moment.isoformat(sep=" ")) if moment else None


def _check_amount(text, digits):
    amount = parse_decimal(text, "amount")
    return None if amount is None else money.to_minor(abs(amount), digits)


def _check_qty(text):
    qty = parse_decimal(text, "qty")
    return str(qty if qty is not None else Decimal(1))


def validate_check_line(values, ctx, columns=None):
    """(clean, reasons) of one purchase history row (one line of a check).
    A text met before in the file (the lines of a check share a date, a
    member and a store) is parsed once (``ctx.memo``)."""
    columns = columns or {}
    col = columns.get
    reasons = []
    raw = {}
    for target in CHECK_TARGETS:
        raw[target] = (values.get(target) or "").strip()
    clean = {"check_number": raw["check_number"] or None}
    if not clean["check_number"]:
        _reason(
            reasons,
            col("check_number", "check_number"),
            "",
            "missing_check_number",
            "The check number is missing.",
        )
    text = raw["date"]
    column = col("date", "date")
    found = _memo_field(reasons, ctx, "date", column, text, _check_moment)
    moment = found and found[0]
    if moment is None and not _has(reasons, column):
        _reason(reasons, column, "", "missing_date", "The date is missing.")
    if moment and moment.date() > ctx.today:
        _reason(
            reasons,
            column,
            text,
            "future_date",
            "%(column)s: %(value)s is in the future.",
            column=column,
            value=text,
        )
    clean["date"] = found[1] if moment else None
    store = raw["store"]
    clean["store_id"] = ctx.stores.get(store.lower()) if store else None
    if store and clean["store_id"] is None:
        _reason(
            reasons,
            col("store", "store"),
            store,
            "unknown_store",
            "Unknown store '%(value)s'.",
            value=store,
        )
    elif not store and ctx.require_store:
        _reason(
            reasons, col("store", "store"), "", "missing_store", "The store is missing."
        )
    kind = raw["kind"].lower()
    clean["kind"] = CHECK_KINDS.get(kind, "sale" if not kind else None)
    if clean["kind"] is None:
        _reason(
            reasons,
            col("kind", "kind"),
            raw["kind"],
            "bad_kind",
            "'%(value)s' is neither a sale nor a return.",
            value=raw["kind"],
        )
    country = ctx.default_country
    clean["phone"] = _memo_field(
        reasons,
        ctx,
        "phone",
        col("phone", "phone"),
        raw["phone"],
        lambda t: normalize_phone(t, country),
    )
    clean["card_number"] = _memo_field(
        reasons,
        ctx,
        "card_number",
        col("card_number", "card_number"),
        raw["card_number"],
        parse_card,
    )
    product = None
    for target in ("barcode", "sku"):
        key = raw[target]
        if key:
            product = ctx.products.get(key)
            if product is None:
                _reason(
                    reasons,
                    col(target, target),
                    key,
                    "unknown_product",
                    "Unknown product '%(value)s'.",
                    value=key,
                )
            break
    clean["product_id"] = product
    clean["qty"] = _memo_field(
        reasons, ctx, "qty", col("qty", "qty"), raw["qty"], _check_qty
    )
    if clean["qty"] is None:
        clean["qty"] = "1"
    column = col("amount", "amount")
    digits = ctx.money_digits
    minor = _memo_field(
        reasons,
        ctx,
        "amount",
        column,
        raw["amount"],
        lambda t: _check_amount(t, digits),
    )
    if minor is None and not _has(reasons, column):
        _reason(reasons, column, "", "missing_amount", "The amount is missing.")
    clean["amount_minor"] = 0
    if minor is not None:
        clean["amount_minor"] = -minor if clean["kind"] == "refund" else minor
    return clean, reasons


def check_key(clean):
    """The natural key of a check: number, store and day."""
    return (clean["check_number"], clean["store_id"] or 0, (clean["date"] or "")[:10])


def error_file(header, rows, reasons_by_row, delimiter=";", reason_title="reason"):
    """The CSV of the rejected rows: the input's columns and a reason column
    (UTF-8 with a BOM, which Excel opens in any locale)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([*header, reason_title])
    for number, row in rows:
        reasons = reasons_by_row.get(number)
        if not reasons:
            continue
        if None in row:
            fields = list(row[None])
            fields = (fields + [""] * len(header))[: len(header)]
        else:
            fields = [row.get(h, "") for h in header]
        writer.writerow([*fields, reasons])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
