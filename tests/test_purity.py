"""awards.scoring is a pure library: importing it loads no web or database framework."""

import subprocess
import sys


def test_import_scoring_loads_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, awards.scoring\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'sqlalchemy', 'flask_sqlalchemy', "
        "'werkzeug', 'jinja2', 'flask_babel'})\n"
        "others = sorted(m for m in sys.modules if m.startswith('awards.') and not m.startswith('awards.scoring'))\n"
        "print(repr((bad, others)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    bad, others = eval(out.stdout.strip())
    assert bad == []
    assert others == []


def test_the_check_can_fail():
    """The same probe does see Flask when the app package is imported, so the test above can fail."""
    code = "import sys, awards.app\nprint('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
