"""``support-toolkit samples``: write the synthetic sample client (Northwind Cloud) to a folder."""

from __future__ import annotations

import click


@click.command()
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Folder to write the sample files into (created if missing), e.g. data/samples.")
@click.option("--seed", default=20251001, type=int, show_default=True,
              help="Random seed; the same seed gives byte-identical files.")
@click.option("--tickets", "n_tickets", default=20000, type=click.IntRange(min=500), show_default=True,
              help="About how many tickets to generate (at least 500).")
def samples(out: str, seed: int, n_tickets: int) -> None:
    """Generate the sample client: a year of Northwind Cloud support data.

    Writes canonical tickets, messages, survey responses and invitations and maturity
    answers, the same tickets as a Zendesk CSV export, and the ground truth of every
    injected pattern (see data/samples/README.md). The defaults reproduce the committed
    files in data/samples exactly:

        support-toolkit samples --out data/samples
    """
    from toolkit.samples import generate  # imported here so that `support-toolkit --help` stays fast

    paths = generate(out, seed=seed, n_tickets=n_tickets)
    total = sum(p.stat().st_size for p in paths)
    for path in paths:
        click.echo(f"{path}  {path.stat().st_size / 1e6:.2f} MB")
    click.echo(f"{len(paths)} files, {total / 1e6:.1f} MB")
