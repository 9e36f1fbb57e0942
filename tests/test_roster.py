"""The roster an instructor writes for the hub: what it accepts, and the messages it refuses with.

``hub/roster.py`` is a script (it is copied to the hub's prefix); these tests load it from the
repository. The whole set-up, as root, is ``tests/hub/test_hub_class.py``.
"""

import argparse
import importlib.util
import json
import os
import pwd
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "hub" / "roster.py"
NOT_A_NAME = ("is not a valid Unix user name (lower-case letters, digits, - and _, starting with "
              "a letter, at most 32)")


@pytest.fixture(scope="module")
def roster():
    spec = importlib.util.spec_from_file_location("roster", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def refusal(call):
    with pytest.raises(SystemExit) as refused:
        call()
    return str(refused.value)


def test_a_roster_gives_each_role_its_people(roster, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("username,role,email\nada,instructor,a@x\ntom,Grader,t@x\n"
                    "s_001,student,\ns-002, student ,\n")
    assert roster.read_roster(path) == {"instructor": ["ada"], "grader": ["tom"],
                                        "student": ["s_001", "s-002"]}


@pytest.mark.parametrize(("row", "message"), [
    ("ada,teacher", "roster.csv:3: role 'teacher' is not one of instructor, grader, student"),
    ("../ada,student", f"roster.csv:3: '../ada' {NOT_A_NAME}"),
    ("1ada,student", f"roster.csv:3: '1ada' {NOT_A_NAME}"),
    ("Ada,student", f"roster.csv:3: 'Ada' {NOT_A_NAME}"),
    ("ada lovelace,student", f"roster.csv:3: 'ada lovelace' {NOT_A_NAME}"),
    (f"{'a' * 33},student", f"roster.csv:3: '{'a' * 33}' {NOT_A_NAME}"),
    (",student", f"roster.csv:3: '' {NOT_A_NAME}"),
    ("tom,student", "roster.csv:3: tom is on the roster already (line 2): one row, one role "
                    "per person"),
    ("root,instructor", "roster.csv:3: root is a system account of this server, not a person: "
                        "choose another user name"),
    ("nobody,student", "roster.csv:3: nobody is a system account of this server, not a person: "
                       "choose another user name"),
])
def test_a_bad_row_is_refused_with_its_line(roster, tmp_path, row, message):
    path = tmp_path / "roster.csv"
    path.write_text(f"username,role\ntom,grader\n{row}\n")
    assert refusal(lambda: roster.read_roster(path)) == f"{path.parent}/{message}"


def test_https_needs_both_files_that_exist(roster, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("username,role\ntom,grader\n")
    certificate = tmp_path / "hub.crt"
    certificate.write_text("not checked here")
    state = ["--state", str(tmp_path)]
    assert "needs both a certificate and its key" in refusal(
        lambda: roster.main([str(path), *state, "--ssl-cert", str(certificate)]))
    assert refusal(lambda: roster.main([str(path), *state, "--ssl-cert", str(certificate),
                                        "--ssl-key", str(tmp_path / "hub.key")])) == (
        f"{tmp_path / 'hub.key'}: no such file (HUB_SSL_CERT, HUB_SSL_KEY: PEM files on this "
        "server)")


def test_a_second_run_keeps_the_settings_it_is_not_given_again(roster, tmp_path):
    earlier = tmp_path / "hub.json"
    earlier.write_text(json.dumps({"port": 443, "ip": "0.0.0.0", "ssl_cert": "/etc/hub.crt",
                                   "ssl_key": "/etc/hub.key", "authenticator": "pam"}))
    given = argparse.Namespace(**{**dict.fromkeys(roster.DEFAULTS), "port": 8443})
    kept = roster.settings_kept(given, earlier)
    assert sorted(kept) == ["authenticator", "ip", "ssl_cert", "ssl_key"]
    assert (given.port, given.ip, given.ssl_cert, given.course_dir) == (
        8443, "0.0.0.0", "/etc/hub.crt", "/srv/backprop/course")
    first = argparse.Namespace(**dict.fromkeys(roster.DEFAULTS))
    assert roster.settings_kept(first, tmp_path / "none.json") == []
    assert vars(first) == roster.DEFAULTS


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a folder's owner needs root")
def test_a_course_folder_someone_made_first_in_the_exchange_is_refused(roster, tmp_path):
    folder = tmp_path / "backprop-from-scratch"
    folder.mkdir()
    os.chown(folder, pwd.getpwnam("nobody").pw_uid, -1)
    assert refusal(lambda: roster.course_exchange(folder, "root")) == (
        f"{folder} belongs to nobody, not to root: someone made it before the course could; "
        "move it away and run this again")
    made = tmp_path / "made"
    roster.course_exchange(made, "root")
    assert (made.stat().st_uid, made.stat().st_mode & 0o7777) == (0, 0o755)


def test_the_roster_s_optional_columns_give_each_student_a_name_and_an_address(roster, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text('username,role,First name,Last-Name,Email,lms_user_id\n'
                    'ada,instructor,Ada,Lovelace,ada@uni.example,\n'
                    's_001,student,"José, Jr.",Núñez,jose@uni.example,4242\n'
                    's-002,student,,,,\n', encoding="utf-8")
    assert roster.read_details(path) == {
        "s_001": {"first_name": "José, Jr.", "last_name": "Núñez", "email": "jose@uni.example",
                  "lms_user_id": "4242"},
        "s-002": {"first_name": "", "last_name": "", "email": "", "lms_user_id": ""}}


def test_a_roster_without_the_optional_columns_still_reads(roster, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("username,role\ntom,grader\ns_001,student\n")
    assert roster.read_roster(path)["student"] == ["s_001"]
    assert roster.read_details(path) == {
        "s_001": {"first_name": "", "last_name": "", "email": "", "lms_user_id": ""}}


def test_an_address_that_is_not_one_is_refused_with_its_line(roster, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("username,role,email\ntom,grader,\ns_001,student,s001 at uni\n")
    assert refusal(lambda: roster.read_details(path)) == (
        f"{path}:3: 's001 at uni' is not an e-mail address")


def test_the_roster_s_students_reach_nbgraders_gradebook_with_names_and_addresses(
        roster, tmp_path):
    from nbgrader.api import Gradebook

    from mlp_helpers import grading

    course = grading.make_course(tmp_path / "course", [], sandboxed=False)
    path = tmp_path / "roster.csv"
    path.write_text("username,role,first_name,last_name,email\n"
                    "s_001,student,\"José, Jr.\",Núñez,jose@uni.example\n"
                    "s_002,student,,,\n", encoding="utf-8")
    nbgrader = [sys.executable, "-m", "nbgrader"]
    roster.gradebook_students(course, roster.read_details(path), nbgrader,
                              exchange=tmp_path / "exchange")
    # Run again after an edit of the roster: the student is updated, not added twice.
    path.write_text(path.read_text(encoding="utf-8").replace("jose@", "j.nunez@"),
                    encoding="utf-8")
    roster.gradebook_students(course, roster.read_details(path), nbgrader,
                              exchange=tmp_path / "exchange")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        students = {student.id: (student.first_name, student.last_name, student.email)
                    for student in gradebook.students}
    assert students == {"s_001": ("José, Jr.", "Núñez", "j.nunez@uni.example"),
                        "s_002": (None, None, None)}
    assert not (course / ".exchange").exists()  # the exchange given, not one in the course
