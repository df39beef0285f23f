"""awards.services.exports.to_xlsx (write-only mode): what every spreadsheet export guarantees,
read back with openpyxl. The console's and the CLI's files are tested in tests/views/test_exports.py
and tests/test_cli_exports.py."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from awards.services import exports

HEADER = ["Number", "Text", "Score", "Weight", "Share", "Comment"]


def read(body: bytes):
    return load_workbook(io.BytesIO(body)).active


def test_header_is_bold_and_frozen_and_numbers_are_numeric():
    rows = [[1, "Asha", Decimal("87.50"), Decimal("15"), Decimal("0.125"), ""],
            [2, "Baraka", None, Decimal("20"), Decimal("1.375"), "fine"]]
    sheet = read(exports.to_xlsx(HEADER, rows, "Scores"))
    assert sheet.title == "Scores"
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == HEADER and all(c.font.bold for c in sheet[1])
    assert not sheet["A2"].font.bold
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        (1, "Asha", 87.5, 15, 0.125, None),  # empty text writes no cell
        (2, "Baraka", None, 20, 1.375, "fine"),
    ]
    assert [sheet[f"{col}2"].data_type for col in "ABCDE"] == ["n", "s", "n", "n", "n"]
    # A Decimal with at most 2 places shows 2 (87.50, 15.00); others keep the default format.
    assert (sheet["C2"].number_format, sheet["D2"].number_format) == ("0.00", "0.00")
    assert (sheet["E2"].number_format, sheet["E3"].number_format, sheet["A2"].number_format) == ("General",) * 3


def test_text_is_never_a_formula_or_an_error_and_illegal_characters_go():
    texts = ['=HYPERLINK("http://evil.example","click")', "=1+2", "#N/A", "#DIV/0!", "+255 22 211 1111",
             "-2+3", "@SUM(A1)", "bell\x07 and null\x00 gone", "=", "#"]
    sheet = read(exports.to_xlsx(["=Header", "Note"], [[t, "x"] for t in texts], "Audit log"))
    assert sheet["A1"].value == "=Header" and sheet["A1"].data_type == "s" and sheet["A1"].font.bold
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [t.replace("\x07", "").replace("\x00", "") for t in texts]
    assert all(c.data_type == "s" for c in cells), [(c.value, c.data_type) for c in cells]


def test_column_widths_follow_the_longest_value_within_bounds():
    rows = [["a" * 30, "b", 123456789012, "c" * 200]]
    sheet = read(exports.to_xlsx(["Long", "B", "Number", "Huge"], rows, "Sheet"))
    widths = [sheet.column_dimensions[col].width for col in "ABCD"]
    assert widths == [32, 8, 14, 60]  # longest + 2, at least 8, at most 60


def test_sheet_titles_lose_forbidden_characters_and_stay_short():
    assert read(exports.to_xlsx(["A"], [], "Results: 2026/27 [draft]?")).title == "Results  2026 27  draft"
    assert read(exports.to_xlsx(["A"], [], "*/?")).title == "Sheet"
    assert len(read(exports.to_xlsx(["A"], [], "Matokeo ya kitengo cha ubunifu na uvumbuzi")).title) == 31


def test_only_the_header_when_there_are_no_rows():
    sheet = read(exports.to_xlsx(HEADER, [], "Scores"))
    assert list(sheet.iter_rows(values_only=True)) == [tuple(HEADER)]
