"""The volume split page: target against actual share, live and by interval, scoped."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from tests.apps.conftest import World, logged_in
from tests.apps.routing.split_fixtures import answered, split_queue


def rows(html: str, table: str) -> list[list[str]]:
    body = html.split(f'data-testid="{table}"', 1)[1].split("</table>", 1)[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1])
    ]


def test_the_director_sees_every_groups_target_and_actual_share(world: World) -> None:
    # given a split queue whose contacts went 2 to Atlas, 1 to Carpathia, 1 to Lille
    queue = split_queue(world)
    now = timezone.now()
    answered(queue, world.agents["rabat0"], now, 2)
    answered(queue, world.agents["bucarest0"], now)
    answered(queue, world.agents["lille0"], now)
    # when the director opens the page
    page = logged_in(world.users["director"]).get(reverse("supervision:volume_split"))
    # then each group shows its target and its actual share of the window
    assert page.status_code == 200
    live = rows(page.content.decode(), "split-live")
    assert live == [
        ["Atlas Contact", "40 %", "50,0 %", "2"],
        ["Carpathia CX", "35 %", "25,0 %", "1"],
        ["Lille", "25 %", "25,0 %", "1"],
    ]


def test_intervals_count_each_interval_apart(world: World) -> None:
    queue = split_queue(world)
    day = dt.date(2026, 3, 3)
    nine = dt.datetime(2026, 3, 3, 9, 5, tzinfo=dt.UTC)  # 10:05 in Paris
    answered(queue, world.agents["rabat0"], nine)
    answered(queue, world.agents["lille0"], nine + dt.timedelta(minutes=30))
    page = logged_in(world.users["director"]).get(
        reverse("supervision:volume_split"), {"day": day.isoformat(), "interval": "30"}
    )
    table = rows(page.content.decode(), "split-intervals")
    assert [row[-1] for row in table] == ["1", "0", "0", "0", "0", "1"]
    assert table[0][:1] == ["10:00"]
    assert table[3][:1] == ["10:30"]


def test_the_partner_manager_sees_only_its_own_line(world: World) -> None:
    queue = split_queue(world)
    now = timezone.now()
    answered(queue, world.agents["rabat0"], now)
    answered(queue, world.agents["bucarest0"], now, 3)
    page = logged_in(world.users["partner_manager"]).get(reverse("supervision:volume_split"))
    html = page.content.decode()
    assert rows(html, "split-live") == [["Atlas Contact", "40 %", "25,0 %", "1"]]
    assert "Carpathia" not in html
    assert ">Lille<" not in html


def test_a_bad_day_is_refused_with_a_message(world: World) -> None:
    page = logged_in(world.users["director"]).get(
        reverse("supervision:volume_split"), {"day": "yesterday", "interval": "20"}
    )
    assert page.status_code == 400
    assert 'data-testid="split-error"' in page.content.decode()
