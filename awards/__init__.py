"""Tuzo: award judging for Tanzania's Public Service Week.

Only a lazy wrapper lives here, so that ``import awards.scoring`` loads no Flask.
"""


def create_app(test_config=None):
    from awards.app import create_app as _create_app

    return _create_app(test_config)
