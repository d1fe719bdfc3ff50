from decimal import Decimal

from lus.inputs.parsing import MAX_ERRORS_SHOWN, parse_results_csv


def test_a_semicolon_export_with_decimal_comma_and_bom_is_read():
    raw = "\ufeffBrugernavn;Dimension;Score;Benchmark\nlone;Tydelig retning;3,8;4,1\n".encode()
    result = parse_results_csv(raw)
    assert result.errors == []
    row = result.rows[0]
    assert (row.leader_key, row.dimension, row.score, row.benchmark) == (
        "lone",
        "Tydelig retning",
        Decimal("3.80"),
        Decimal("4.10"),
    )


def test_windows_1252_comma_separated_with_email_column():
    raw = "e-mail,dimension,resultat\nLone@Example.dk,Trivsel på arbejdet,72\n".encode("cp1252")
    result = parse_results_csv(raw)
    assert result.errors == []
    assert result.rows[0].by == "email"
    assert result.rows[0].leader_key == "lone@example.dk"
    assert result.rows[0].dimension == "Trivsel på arbejdet"


def test_missing_columns_are_named_in_danish_terms():
    result = parse_results_csv(b"navn;vaerdi\nlone;3\n")
    assert len(result.errors) == 1
    assert "dimension" in result.errors[0]
    assert "Line 1" in result.errors[0] or "Linje 1" in result.errors[0]


def test_a_bad_number_names_line_and_column():
    result = parse_results_csv("brugernavn;dimension;score\nlone;Feedback;høj\n".encode())
    assert len(result.errors) == 1
    assert "3" not in result.errors[0] or "2" in result.errors[0]
    assert "score" in result.errors[0]
    assert "2" in result.errors[0]


def test_duplicates_and_nul_bytes_are_refused():
    dup = parse_results_csv(b"brugernavn;dimension;score\nlone;A;1\nLONE;a;2\n")
    assert dup.error_count == 1 and "2" in dup.errors[0]
    assert parse_results_csv(b"brugernavn;dimension;score\nlo\x00ne;A;1\n").error_count == 1


def test_the_summary_of_problems_is_bounded():
    lines = "\n".join(f"p{i};D;x" for i in range(500))
    result = parse_results_csv(f"brugernavn;dimension;score\n{lines}\n".encode())
    assert result.error_count == 500
    assert len(result.errors) == MAX_ERRORS_SHOWN
    assert result.more_errors == 500 - MAX_ERRORS_SHOWN


def test_empty_file_and_huge_numbers():
    assert parse_results_csv(b"").error_count == 1
    assert parse_results_csv(b"brugernavn;dimension;score\nlone;A;1e309\n").error_count == 1
