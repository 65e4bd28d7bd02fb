"""EAN-13 bar patterns, so a sheet of 100,000 cards draws as plain rectangles."""

_L = (
    "0001101",
    "0011001",
    "0010011",
    "0111101",
    "0100011",
    "0110001",
    "0101111",
    "0111011",
    "0110111",
    "0001011",
)
_G = tuple(code.translate(str.maketrans("01", "10"))[::-1] for code in _L)
_R = tuple(code.translate(str.maketrans("01", "10")) for code in _L)
# parity of the left half, chosen by the first digit
_PARITY = (
    "LLLLLL",
    "LLGLGG",
    "LLGGLG",
    "LLGGGL",
    "LGLLGG",
    "LGGLLG",
    "LGGGLL",
    "LGLGLG",
    "LGLGGL",
    "LGGLGL",
)


def ean13_modules(code):
    """The 95 modules of an EAN-13 symbol as a '0'/'1' string."""
    if len(code) != 13 or not code.isdigit():
        raise ValueError(f"not a 13-digit code: {code!r}")
    digits = [int(c) for c in code]
    left = "".join(
        (_L if parity == "L" else _G)[d]
        for parity, d in zip(_PARITY[digits[0]], digits[1:7], strict=False)
    )
    right = "".join(_R[d] for d in digits[7:])
    return "101" + left + "01010" + right + "101"


def bar_runs(modules):
    """(first module, width) of every dark bar."""
    runs, start = [], None
    for index, module in enumerate(modules + "0"):
        if module == "1" and start is None:
            start = index
        elif module == "0" and start is not None:
            runs.append((start, index - start))
            start = None
    return runs
