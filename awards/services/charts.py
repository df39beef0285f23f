"""Charts drawn on the server as SVG, so the organiser's page and the PDF report show the same picture.

Pure functions: no Flask, no database. The caller passes every text already translated; this
module escapes it. The output is deterministic (same input, same bytes), so a page and a PDF
rendered from the same scores carry identical markup.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

BIN_WIDTH = 10
BINS = 10  # 0-10, 10-20, ..., 90-100 (100 falls in the last bin)

# Geometry (SVG user units = CSS px).
WIDTH, HEIGHT = 560, 280
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 44, 52
LABEL_GAP = 11  # minimum distance between two podium labels
FONT = "Tuzo Sans, DejaVu Sans, sans-serif"
BAR, BAR_PODIUM, AXIS, MARK = "#7fb394", "#1f6f43", "#44574b", "#b8860b"


def _decimal(value) -> Decimal:
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite() or number < 0 or number > 100:
        raise ValueError(f"a score must lie between 0 and 100, got {value!r}")
    return number


def bin_index(score) -> int:
    """The bin of a score on 0-100: [0, 10) -> 0, ..., [90, 100] -> 9."""
    return min(int(_decimal(score) // BIN_WIDTH), BINS - 1)


def histogram(scores: Iterable) -> list[int]:
    counts = [0] * BINS
    for score in scores:
        counts[bin_index(score)] += 1
    return counts


def _n(value: float) -> str:
    """A coordinate as short, stable text."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(x: float, y: float, content: str, *, anchor: str = "middle", size: int = 11, extra: str = "") -> str:
    return (f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-size="{size}"{extra}>'
            f"{escape(content)}</text>")


def score_histogram_svg(
    scores: Sequence,
    *,
    title: str,
    description: str,
    x_label: str,
    y_label: str,
    podium: Sequence[tuple[str, object]] = (),
    id_prefix: str = "score-chart",
) -> str:
    """An SVG histogram of scores on 0-100 in bins of 10, each bar labelled with its count.

    ``podium`` marks scores on the axis, as (label, score) pairs such as ("1", Decimal("91.5")):
    a dashed line at the score and its label above the plot; the bars holding them are darker.
    ``title`` and ``description`` become <title> and <desc> (read by screen readers); the
    description is followed by the count in each bin.
    """
    counts = histogram(scores)
    marks = [(label, _decimal(score)) for label, score in podium]
    podium_bins = {bin_index(score) for _, score in marks}
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max(counts + [1])
    # Integer y ticks: every one up to 5, else about five steps.
    step = max(1, -(-top // 5))
    y_max = -(-top // step) * step
    x_of = lambda v: LEFT + plot_w * float(v) / 100  # noqa: E731
    y_of = lambda c: TOP + plot_h - plot_h * c / y_max  # noqa: E731
    bins_text = "; ".join(f"{i * BIN_WIDTH}–{(i + 1) * BIN_WIDTH}: {c}" for i, c in enumerate(counts))
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="score-chart" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby={quoteattr(f"{title_id} {desc_id}")} '
        f"font-family={quoteattr(FONT)} fill=\"#111\">",
        f"<title id={quoteattr(title_id)}>{escape(title)}</title>",
        f"<desc id={quoteattr(desc_id)}>{escape(f'{description} {bins_text}'.strip())}</desc>",
    ]
    # Grid lines and y ticks.
    for tick in range(0, y_max + 1, step):
        y = y_of(tick)
        parts.append(f'<line x1="{LEFT}" y1="{_n(y)}" x2="{LEFT + plot_w}" y2="{_n(y)}" stroke="#ddd" stroke-width="1"/>')
        parts.append(_text(LEFT - 6, y + 4, str(tick), anchor="end", size=10))
    # Bars with their counts.
    bar_w = plot_w / BINS
    for i, count in enumerate(counts):
        x = LEFT + i * bar_w
        if count:
            y = y_of(count)
            fill = BAR_PODIUM if i in podium_bins else BAR
            parts.append(f'<rect x="{_n(x + 2)}" y="{_n(y)}" width="{_n(bar_w - 4)}" height="{_n(TOP + plot_h - y)}" '
                         f'fill="{fill}"/>')
            parts.append(_text(x + bar_w / 2, y - 4, str(count), size=10, extra=' font-weight="bold"'))
    # Axes, x ticks at the bin edges.
    parts.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="{AXIS}" stroke-width="1"/>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="{AXIS}" stroke-width="1"/>')
    for i in range(BINS + 1):
        x = LEFT + i * bar_w
        parts.append(f'<line x1="{_n(x)}" y1="{TOP + plot_h}" x2="{_n(x)}" y2="{TOP + plot_h + 4}" stroke="{AXIS}" stroke-width="1"/>')
        parts.append(_text(x, TOP + plot_h + 16, str(i * BIN_WIDTH), size=10))
    # Podium marks: a dashed line at the exact score; the labels sit in one row above the bar counts,
    # pushed apart when scores are close so that none overlaps another.
    ordered = sorted(marks, key=lambda mark: (mark[1], mark[0]))
    xs = [x_of(score) for _, score in ordered]
    for i in range(1, len(xs)):
        xs[i] = max(xs[i], xs[i - 1] + LABEL_GAP)
    for i in reversed(range(len(xs))):
        limit = WIDTH - 6 if i == len(xs) - 1 else xs[i + 1] - LABEL_GAP
        xs[i] = min(xs[i], limit)
    for (label, score), label_x in zip(ordered, xs, strict=True):
        x = x_of(score)
        parts.append(f'<line x1="{_n(x)}" y1="{TOP - 14}" x2="{_n(x)}" y2="{TOP + plot_h}" stroke="{MARK}" '
                     f'stroke-width="1.5" stroke-dasharray="4 3"/>')
        parts.append(_text(label_x, TOP - 18, label, size=10, extra=f' fill="{MARK}" font-weight="bold"'))
    # Axis labels.
    parts.append(_text(LEFT + plot_w / 2, HEIGHT - 10, x_label))
    cx, cy = 14, TOP + plot_h / 2
    parts.append(_text(cx, cy, y_label, extra=f' transform="rotate(-90 {_n(cx)} {_n(cy)})"'))
    parts.append("</svg>")
    return "".join(parts)
