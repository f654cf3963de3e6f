"""`flask --app wsgi demo-data`: load the demo world (registered in server.cli)."""

import click
from flask.cli import with_appcontext

from server.clock import now
from server.demo.loader import DemoDataError, load_demo_data
from server.demo.timeline import vietnam_day

MAX_SELLERS = 5_000_000


@click.command("demo-data")
@click.option("--sellers", default=300, show_default=True, type=click.IntRange(1, MAX_SELLERS),
              help="How many sellers (households and cooperatives); 300000 is the national size. "
                   "Run again with more to add the difference; with fewer nothing is removed.")
@click.option("--seed", default=1, show_default=True, type=int,
              help="Random seed: the same sellers, seed and --today give exactly the same data.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The day the data is seen from, YYYY-MM-DD: everything happens in the two years "
                   "before it, up to the day before. Default: today in Vietnam.")
@with_appcontext
def demo_data_command(sellers, seed, today):
    """Load realistic, deterministic demo data (run `setup` first).

    Creates union admins and trainers for every branch, cohorts, sellers across the communes
    (rural communes favoured, and 40% of a small demo in the programme's pilot communes, five
    selling households to a commune), products, sales, channel links, payout accounts, activity
    days, activation times and lesson progress over the two years before --today. Every demo
    phone number starts with +8498. When demo data is there, a run adds the sellers missing up to
    --sellers (none when there are as many or more: nothing is removed). Every run prints demo
    accounts to sign in with. Product photos are database records only: their keys point under
    demo/photos/ and no image files are written.
    """
    day = today.date() if today else vietnam_day(now())
    try:
        summary = load_demo_data(sellers, seed, day, echo=click.echo)
    except DemoDataError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    if not summary.loaded:
        click.echo(f"Demo data is already loaded: {summary.existing_sellers:,} demo sellers, "
                   f"{'as many as' if summary.existing_sellers == sellers else 'more than'} the {sellers:,} asked for; "
                   "nothing was added or removed. To start smaller, start from an empty database.")
    else:
        added = "" if not summary.existing_sellers else \
            f" ({summary.added_sellers:,} sellers added to the {summary.existing_sellers:,} there)"
        click.echo(f"Demo data loaded in {summary.seconds:.1f} s{added}:")
        for line in summary.lines:
            click.echo(line)
    click.echo("Sign in with these numbers (codes go to the SMS outbox):")
    for who, phone in summary.logins:
        click.echo(f"  {phone}  {who}")
