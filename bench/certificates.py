"""Benchmark of certificate PDFs: one WeasyPrint render per certificate against the batch path.

    .venv/bin/python bench/certificates.py [--certificates 500] [--sample 25] [--chunk 50]

Builds a throwaway SQLite database in a temporary folder (the real migrations, then the demo),
adds certificates directly until the edition has ``--certificates`` current ones (copies of the
published innovation snapshot, each with the demo's five certificates: a bench may set up data
directly), then measures in the same run:

  (a) the single path: ``render_certificate_pdf`` (one full WeasyPrint render of one certificate)
      for ``--sample`` certificates, half before (b) and half after, per certificate;
  (b) the batch path: ``issue_edition`` for all of them (renders in chunks of ``--chunk``, the
      certificates' shared background laid out once, each chunk cut into one PDF per certificate,
      then the combined PDF and the manifest), per certificate.

(a) renders only; (b) also writes the files and the combined PDF. So a line below adds to (a) what
(b) does besides rendering, for the same result: the sample's PDFs written as files and merged into
one combined PDF (``_merge``, as a resumed run merges files), the like-for-like ratio.

Both are timed in wall time and in this process's CPU time; the CPU figures are the steadier when
other work shares the machine. The objects of the setup are frozen out of the garbage collector's
reach first, as wsgi.py does in the web server that renders single downloads and prepares batches.

Then where the time goes: one chunk's split, and the chunk and ten single renders, each with and
without their QR codes (an empty image in their place), in turn, best of 5. That gives what a QR
code costs in each path (zxing-cpp encoding it as a PNG, WeasyPrint drawing it), and the ratio the
batch would reach without QR codes at all.

It prints figures and ratios, never asserts. Timings are taken without tracemalloc (which slows
Python code); a second pass under tracemalloc gives the peak of Python allocations. ru_maxrss is
the process's peak resident memory so far (monotonic), read after each phase.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _config(url: str, upload_dir: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "bench-secret-key-for-a-throwaway-database-0123456789",
        "SQLALCHEMY_DATABASE_URI": url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": "tuzo.bench",
        "UPLOAD_DIR": upload_dir,
    }


class Clock:
    """Wall and CPU time (this process) since the last lap."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        laps = wall - self.wall, cpu - self.cpu
        self.wall, self.cpu = wall, cpu
        return laps


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _add_certificates(edition, wanted: int) -> int:
    """Copies of the innovation snapshot, each with copies of its certificates, until ``wanted``."""
    from awards.extensions import db
    from awards.models import Certificate, ResultSnapshot
    from awards.services.certificate_batch import current_certificates
    from awards.services.certificates import new_serial

    base = current_certificates(edition)
    snapshot = base[0].snapshot
    have = len(base)
    while have < wanted:
        copy = ResultSnapshot(edition_id=snapshot.edition_id, category_id=snapshot.category_id,
                              standings=snapshot.standings, method=snapshot.method, sha256=snapshot.sha256,
                              published_by_id=snapshot.published_by_id)
        db.session.add(copy)
        for cert in base[: wanted - have]:
            db.session.add(Certificate(serial=new_serial(edition.year), institution_id=cert.institution_id,
                                       entry_id=cert.entry_id, snapshot=copy, kind=cert.kind, place=cert.place))
            have += 1
    db.session.commit()
    return have


@contextlib.contextmanager
def _without_qr_codes(certificates):
    """Certificates rendered with an empty image in the QR code's place (the style sheet sizes it)."""
    real = certificates.qr_data_uri
    empty = "data:image/svg+xml," + quote('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    certificates.qr_data_uri = lambda verify_url: empty
    try:
        yield
    finally:
        certificates.qr_data_uri = real


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=500)
    parser.add_argument("--sample", type=int, default=25, help="certificates rendered one by one")
    parser.add_argument("--chunk", type=int, default=50, help="certificates per batch render")
    arguments = parser.parse_args(argv)

    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    from flask import url_for
    from flask_migrate import upgrade

    from awards import create_app, seeding
    from awards.extensions import db
    from awards.services import certificate_batch, certificates
    from awards.services.certificates import render_certificate_pdf

    with tempfile.TemporaryDirectory(prefix="tuzo-bench-certificates-") as tmp:
        tmp = Path(tmp)
        (tmp / "uploads").mkdir()
        app = create_app(_config(f"sqlite:///{tmp / 'bench.sqlite'}", str(tmp / "uploads")))
        started = time.perf_counter()
        with app.app_context(), contextlib.redirect_stderr(io.StringIO()):  # alembic's INFO lines
            upgrade()
            edition, _ = seeding.load_demo()
            db.session.commit()
            count = _add_certificates(edition, arguments.certificates)
        gc.freeze()  # as wsgi.py does after loading the app
        setup = time.perf_counter() - started
        print(f"setup: migrations + demo + {count} current certificates in {setup:.1f} s "
              f"(chunk {arguments.chunk}, sample {arguments.sample})")
        print(f"ru_maxrss after setup: {_maxrss_mb():.0f} MB")

        with app.test_request_context():
            edition = db.session.merge(edition)
            verify_url_for = lambda serial: url_for("public.verify", serial=serial, _external=True)  # noqa: E731
            verify_form_url = url_for("public.verify_form", _external=True)
            certs = certificate_batch.current_certificates(edition)
            sample = certs[: arguments.sample]

            def single(batch):
                return [render_certificate_pdf(c, verify_url_for(c.serial), verify_form_url) for c in batch]

            def batch(out):
                return certificate_batch.issue_edition(edition, out, chunk=arguments.chunk,
                                                       verify_url_for=verify_url_for, verify_form_url=verify_form_url)

            single(certs[:1])  # warm up: templates compiled, fonts found, modules imported
            # (a) is timed in two halves, before and after (b), so that a change of load on a shared
            # machine during the run weighs on both paths alike.
            first, second = sample[: len(sample) // 2], sample[len(sample) // 2:]
            clock = Clock()
            single_pdfs = single(first)
            wall_a, cpu_a = clock.lap()
            rss_single = _maxrss_mb()
            result = batch(tmp / "out")
            wall_b, cpu_b = clock.lap()
            rss_batch = _maxrss_mb()
            single_pdfs += single(second)
            wall, cpu = clock.lap()
            wall_a, cpu_a = wall_a + wall, cpu_a + cpu

            # Where the time goes: one chunk's split; then the chunk and a few single renders, each with
            # and without QR codes, and the single renders' files and combined PDF, in turn, best of 5 (CPU).
            chunk = certs[: arguments.chunk]
            rendered = certificate_batch.render_batch(chunk, verify_url_for=verify_url_for,
                                                      verify_form_url=verify_form_url)
            clock.lap()
            parts = rendered.split()
            _, cpu_split = clock.lap()
            few = sample[:10]

            shared = certificate_batch.Backgrounds()  # laid out once, as in a run of many chunks
            (tmp / "single").mkdir()
            files = [tmp / "single" / f"{cert.serial}.pdf" for cert in sample]

            def write_files():
                """Like for like with (b), which also writes the files and the combined PDF: the sample's
                PDFs written as files, then merged into one (how separately rendered PDFs become one)."""
                for path, pdf in zip(files, single_pdfs, strict=True):
                    certificate_batch._write_atomic(path, pdf)
                certificate_batch._write_atomic(tmp / "single" / certificate_batch.COMBINED, certificate_batch._merge(files))

            def render_chunk():
                certificate_batch.render_batch(chunk, verify_url_for=verify_url_for, verify_form_url=verify_form_url,
                                               backgrounds=shared)

            phases = {"chunk": (render_chunk, len(chunk), False), "chunk, no QR": (render_chunk, len(chunk), True),
                      "single": (lambda: single(few), len(few), False),
                      "single, no QR": (lambda: single(few), len(few), True),
                      "files": (write_files, len(sample), False)}
            cpu_each = dict.fromkeys(phases, float("inf"))
            render_chunk()
            for _ in range(5):
                for name, (run, n, no_qr) in phases.items():
                    gc.collect()
                    with _without_qr_codes(certificates) if no_qr else contextlib.nullcontext():
                        clock.lap()
                        run()
                        cpu_each[name] = min(cpu_each[name], clock.lap()[1] / n)

            # Memory pass under tracemalloc (slower; not timed): the batch path's peak is one chunk's
            # render and split, or the final merge (from the files on disk when a run resumes: the worst case).
            tracemalloc.start()
            single(sample[:5])
            single_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
            certificate_batch.render_batch(chunk, verify_url_for=verify_url_for,
                                           verify_form_url=verify_form_url).split()
            chunk_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
            certificate_batch._merge([tmp / "out" / f"{c.serial}.pdf" for c in certs])
            merge_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()

        n_a, n_b = len(sample), result.total
        combined_size = result.combined.stat().st_size
        single_size = sum(len(p) for p in single_pdfs) / len(single_pdfs)
        split_size = sum(len(p) for p in parts) / len(parts)
        print()
        print(f"{'path':<36} {'ms / certificate':>17} {'total s':>9}")
        print(f"{'':<36} {'wall':>8} {'CPU':>8} {'wall':>9}")
        print(f"{'(a) one render per certificate':<36} {wall_a / n_a * 1e3:8.1f} {cpu_a / n_a * 1e3:8.1f} {wall_a:9.2f}"
              f"   ({n_a} rendered; x{count} extrapolated = {wall_a / n_a * count:.1f} s)")
        print(f"{'(b) batch: render + split + files':<36} {wall_b / n_b * 1e3:8.1f} {cpu_b / n_b * 1e3:8.1f} {wall_b:9.2f}"
              f"   ({len(result.issued)} issued, {len(result.skipped)} skipped, combined PDF and manifest)")
        print(f"ratio (a) / (b) per certificate: wall {wall_a / n_a / (wall_b / n_b):.1f}x, "
              f"CPU {cpu_a / n_a / (cpu_b / n_b):.1f}x (CPU time is the steadier on a shared machine)")
        cpu_a_files = cpu_a / n_a + cpu_each["files"]
        print(f"{'(a) + its file + combined PDF':<36} {'':>8} {cpu_a_files * 1e3:8.1f}"
              f"   (like for like with (b): the {n_a} PDFs written as files and merged into one, best of 5; "
              f"ratio to (b) CPU {cpu_a_files / (cpu_b / n_b):.1f}x)")
        qr_single, qr_batch = (cpu_each["single"] - cpu_each["single, no QR"], cpu_each["chunk"] - cpu_each["chunk, no QR"])
        print(f"where the time goes (CPU, best of 5, in turn): one render {cpu_each['single'] * 1e3:.1f} ms, "
              f"without its QR code {cpu_each['single, no QR'] * 1e3:.1f} ms; a chunk of {len(chunk)} "
              f"{cpu_each['chunk'] * 1e3:.1f} ms each, without QR codes {cpu_each['chunk, no QR'] * 1e3:.1f} ms each; "
              f"split into one PDF each {cpu_split / len(chunk) * 1e3:.2f} ms each")
        print(f"a QR code (encoded as a PNG, then drawn) costs {qr_single * 1e3:.1f} ms CPU in a single render "
              f"and {qr_batch * 1e3:.1f} ms in the batch; best of 5, the batch is "
              f"{cpu_each['single'] / cpu_each['chunk']:.1f}x faster than one render each, and would be "
              f"{cpu_each['single'] / cpu_each['chunk, no QR']:.1f}x without QR codes at all")
        print(f"PDF size: single {single_size / 1024:.0f} KiB, split from batch {split_size / 1024:.0f} KiB, "
              f"combined of {result.total} {combined_size / 1024 / 1024:.1f} MiB")
        print(f"tracemalloc peak (Python allocations): single render {single_peak / 2**20:.1f} MiB, "
              f"batch chunk of {len(chunk)} (render + split) {chunk_peak / 2**20:.1f} MiB, "
              f"merge of {result.total} files into the combined PDF (a resumed run) {merge_peak / 2**20:.1f} MiB")
        print(f"ru_maxrss (process peak so far): after (a) {rss_single:.0f} MB, after (b) {rss_batch:.0f} MB, "
              f"at the end {_maxrss_mb():.0f} MB")
        print(f"total bench time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
