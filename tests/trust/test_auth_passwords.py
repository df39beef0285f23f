"""Password rules: 8 to 128 characters, and neither one of the 30,000 most common passwords
(zxcvbn's bundled list) nor a local favourite."""

import pytest

from awards.services import accounts
from awards.services.errors import InvalidInput


@pytest.mark.parametrize("password", [
    "password123", "qwerty123", "qwertyuiop", "qwerty12345", "QWERTYUIOP", "iloveyou", "iloveyou1",
    "sunshine", "tanzania1", "nenosiri",
])
def test_common_passwords_are_refused(app, password):
    with pytest.raises(InvalidInput, match="too common"):
        accounts.check_password_rules(password)


@pytest.mark.parametrize("password, message", [
    ("short", "at least 8"), ("x" * 129, "at most 128"),
])
def test_length_rules(app, password, message):
    with pytest.raises(InvalidInput, match=message):
        accounts.check_password_rules(password)


@pytest.mark.parametrize("password", [
    "mvua ya vuli imefika mapema kuliko kawaida",  # a long passphrase
    "x7#Kp2!vQz", "a" * 8 + "Zq9", "é" * 64, "y" * 128,
])
def test_good_passwords_are_accepted(app, password):
    accounts.check_password_rules(password)  # no error


def test_the_list_is_the_bundled_one_and_loaded_once(app):
    first = accounts.common_passwords()
    assert len(first) > 30_000 and "dragon" in first and "nenosiri" in first
    assert accounts.common_passwords() is first
