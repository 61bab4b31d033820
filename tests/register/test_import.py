"""CSV import: every row checked first, all or nothing, a per-row report, idempotent, and
malformed files refused with a clear message — through the service, the page and the
management command."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import PersonFactory
from workforce.models import AuditEntry, Person
from workforce.register import people_csv, services

GOOD = (
    "full_name,email,preferred_name,pronouns,phone,engagement_type,start_date,payee_reference\n"
    "Alex Example,alex@example.org,Alex,they/them,07700 900001,sessional,2026-01-05,PAY-1\n"
    "Bea Brown,bea@example.org,,,,Volunteer,05/01/2026,\n"
    "Cal Green,cal@example.org,,,,,,\n"
)
BAD = (
    "full_name,email,engagement_type,start_date\n"
    "Alex Example,alex@example.org,sessional,2026-01-05\n"
    ",not-an-email,contractor,31/02/2026\n"
    "Cal Green,ALEX@example.org,,\n"
)


def _import(org, data, by=None):
    return services.people_import(organisation=org, data=data.encode(), by=by)


def test_good_file_imports_everyone_with_audit(org, lead):
    result = _import(org, GOOD, by=lead)
    assert len(result.created) == 3 and not result.updated
    alex = Person.objects.get(organisation=org, email="alex@example.org")
    assert (alex.engagement_type, str(alex.start_date), alex.payee_reference) == (
        "sessional",
        "2026-01-05",
        "PAY-1",
    )
    bea = Person.objects.get(email="bea@example.org")
    assert bea.engagement_type == "volunteer" and str(bea.start_date) == "2026-01-05"
    assert Person.objects.get(email="cal@example.org").engagement_type == "employed"
    assert AuditEntry.objects.filter(action="person.created", actor=lead).count() == 3


def test_any_bad_row_imports_nothing_and_reports_row_column_problem(org):
    before = Person.objects.count()
    with pytest.raises(services.ImportRejected) as caught:
        _import(org, BAD)
    assert Person.objects.count() == before
    problems = {(e.row, e.column) for e in caught.value.errors}
    assert problems == {
        (3, "full_name"),
        (3, "email"),
        (3, "engagement_type"),
        (3, "start_date"),
        (4, "email"),  # the same email as row 2, whatever its case
    }
    messages = {(e.row, e.column): e.problem for e in caught.value.errors}
    assert "not a valid email" in messages[(3, "email")]
    assert "already in row 2" in messages[(4, "email")]
    assert "2 rows have problems" in caught.value.message


def test_reimporting_the_same_file_creates_no_duplicates(org):
    _import(org, GOOD)
    result = _import(org, GOOD)
    assert (len(result.created), len(result.updated), result.unchanged) == (0, 0, 3)
    assert Person.objects.filter(organisation=org, email__iendswith="@example.org").count() == 3


def test_matching_is_by_email_within_the_organisation_and_updates_filled_cells(org, other_org):
    existing = PersonFactory(
        organisation=org, email="Alex@Example.org", full_name="Alexandra Example", phone="0161"
    )
    stranger = PersonFactory(organisation=other_org, email="bea@example.org")
    result = _import(org, GOOD)
    existing.refresh_from_db()
    assert existing.full_name == "Alex Example" and existing.phone == "07700 900001"
    assert [p.pk for p in result.updated] == [existing.pk]
    # Someone with the same email in another organisation is a different register entry.
    assert Person.objects.filter(organisation=org, email="bea@example.org").exists()
    stranger.refresh_from_db()
    assert stranger.organisation == other_org
    entry = AuditEntry.objects.get(action="person.updated", object_id=str(existing.pk))
    assert entry.changes["full_name"] == ["Alexandra Example", "Alex Example"]


def test_empty_cells_do_not_wipe_what_is_there(org):
    person = PersonFactory(organisation=org, email="cal@example.org", phone="0161 496 0000")
    _import(org, GOOD)
    person.refresh_from_db()
    assert person.phone == "0161 496 0000"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("full_name,email\nZoë Ñandú,zoe@example.org\n".encode("latin-1"), "not UTF-8"),
        (b"Alex Example,alex@example.org\n", "header"),
        (b"name,mail\nAlex,alex@example.org\n", "no full_name or email column"),
        (b"full_name,email,shoe_size\nA,a@example.org,9\n", "Unknown column"),
        (b"full_name,email,email\nA,a@example.org,a@example.org\n", "twice"),
        (b"", "empty"),
        (b"full_name,email\n", "no people"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"full_name,email\n" + b"A" * (people_csv.MAX_BYTES + 1), "the limit is 2 MB"),
    ],
)
def test_malformed_files_are_refused_with_a_clear_message(org, data, message):
    with pytest.raises(people_csv.ImportFileError, match=message):
        services.people_import(organisation=org, data=data, by=None)
    assert not Person.objects.filter(organisation=org).exists()


def test_too_many_rows_is_refused(org, monkeypatch):
    monkeypatch.setattr(people_csv, "MAX_ROWS", 3)
    rows = "".join(f"P{i},p{i}@example.org\n" for i in range(4))
    with pytest.raises(people_csv.ImportFileError, match="more than 3 people"):
        _import(org, "full_name,email\n" + rows)


def test_excel_style_file_with_bom_and_crlf_and_spaced_headers(org):
    data = "\ufeffFull name,Email\r\nDee Dee,dee@example.org\r\n\r\n".encode()
    result = services.people_import(organisation=org, data=data, by=None)
    assert [p.full_name for p in result.created] == ["Dee Dee"]


# --- The upload page


def _upload(client, org, content: bytes, name="people.csv"):
    return client.post(
        reverse("workforce:people_import"),
        {"organisation": org.pk, "file": SimpleUploadedFile(name, content, "text/csv")},
        follow=True,
    )


def test_upload_page_shows_the_report_then_imports_once_fixed(client, org, lead):
    client.force_login(lead)
    html = _upload(client, org, BAD.encode()).content.decode()
    assert "Nothing was imported" in html
    assert "not a valid email" in html and "<td>3</td>" in html
    assert not Person.objects.filter(email="alex@example.org").exists()
    response = _upload(client, org, GOOD.encode())
    assert "Import finished: 3 added, 0 updated, 0 already up to date" in response.content.decode()


def test_upload_page_refuses_a_huge_file_before_reading_it(client, org, lead):
    client.force_login(lead)
    html = _upload(client, org, b"x" * (people_csv.MAX_BYTES + 10)).content.decode()
    assert "the limit is 2 MB" in html
    assert not Person.objects.filter(organisation=org).exclude(user__isnull=False).exists()


def test_upload_page_wrong_encoding(client, org, lead):
    client.force_login(lead)
    html = _upload(client, org, "full_name,email\nZoë,z@example.org\n".encode("utf-16")).content
    assert "not UTF-8" in html.decode() or "binary data" in html.decode()


def test_a_lead_cannot_import_into_another_organisation(client, other_org, lead):
    client.force_login(lead)
    response = _upload(client, other_org, GOOD.encode())
    assert response.status_code == 200  # the form refuses a choice it never offered
    assert "Select a valid choice" in response.content.decode()
    assert not Person.objects.filter(organisation=other_org, email="alex@example.org").exists()


def test_template_download(client, lead):
    client.force_login(lead)
    response = client.get(reverse("workforce:people_template"))
    header = response.content.decode().splitlines()[0]
    assert header.split(",") == people_csv.COLUMNS


# --- The management command


def test_command_imports_and_is_idempotent(tmp_path, org, capsys):
    path = tmp_path / "people.csv"
    path.write_text(GOOD)
    call_command("import_people", str(path), "--organisation", org.name)
    assert "3 added" in capsys.readouterr().out
    call_command("import_people", str(path), "--organisation", str(org.pk))
    assert "0 added, 0 updated, 3 already up to date" in capsys.readouterr().out


def test_command_reports_every_problem_and_imports_nothing(tmp_path, org, capsys):
    path = tmp_path / "people.csv"
    path.write_text(BAD)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_people", str(path), "--organisation", org.name)
    err = capsys.readouterr().err
    assert "row 3, email: “not-an-email” is not a valid email address." in err
    assert "row 4, email:" in err
    assert not Person.objects.filter(email="alex@example.org").exists()


def test_command_refuses_malformed_and_missing_things(tmp_path, org):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_people", str(tmp_path / "nope.csv"), "--organisation", org.name)
    big = tmp_path / "big.csv"
    big.write_bytes(b"full_name,email\n" + b"a" * (people_csv.MAX_BYTES + 1))
    with pytest.raises(CommandError, match="the limit is 2 MB"):
        call_command("import_people", str(big), "--organisation", org.name)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("full_name,email\nZoë,z@example.org\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_people", str(latin), "--organisation", org.name)
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    with pytest.raises(CommandError, match="No organisation called"):
        call_command("import_people", str(good), "--organisation", "Nowhere")
