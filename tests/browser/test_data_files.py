"""Real data files (French Excel CSVs, bad rows skipped on request) and drawing data safely."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import App


def upload(app: App, name: str, text: str) -> None:
    app.page.get_by_test_id("csv-upload").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])


def test_a_french_excel_csv_loads(app: App) -> None:
    app.open()
    rows = [f'{x},5;{y},25;{int(x * y > 0)}' for x in (-3, -1, 1, 3) for y in (-2, 2)]
    upload(app, "excel.csv", '"x1";"x2";"label"\n' + "\n".join(rows) + "\n")
    app.wait("s => s.config.dataset.name === 'custom' && s.data.train.x1.length"
             " + s.data.validation.x1.length + s.data.test.x1.length === 8")
    xs = app.probe("s => [...s.data.train.x1, ...s.data.validation.x1, ...s.data.test.x1]")
    assert sorted(set(xs)) == [-3.5, -1.5, 1.5, 3.5]  # "-3,5" is -3.5 (sign on the integer part)


def test_bad_rows_are_listed_and_skipped_on_request(app: App) -> None:
    page = app.open()
    good = [f"{x},{y},{int(x * y > 0)}" for x in (-3, -1, 1, 3) for y in (-2, 2)]
    bad = [f"{i},oops,1" for i in range(12)]
    upload(app, "mixed.csv", "x1,x2,label\n" + "\n".join(good + bad) + "\n")
    box = page.get_by_test_id("csv-bad")
    expect(box).to_contain_text("12 rows of mixed.csv could not be read")
    expect(box).to_contain_text("line 10: x2 is not a number")
    expect(box.locator("li")).to_have_count(11)  # the first ten, then "... and 2 more"
    expect(box).to_contain_text("and 2 more")
    expect(page.get_by_test_id("data-error")).to_be_visible()
    page.get_by_test_id("csv-skip-bad").click()
    app.wait("s => s.config.dataset.name === 'custom'")
    expect(box).to_be_hidden()
    expect(page.get_by_test_id("data-error")).to_be_hidden()  # the next success clears it


def test_drawing_on_a_generated_dataset_asks_first(app: App) -> None:
    page = app.open("?dataset=circle&points=100")
    canvas = page.get_by_test_id("custom-canvas")
    box = canvas.bounding_box()
    assert box is not None and box["width"] >= 240  # large enough to draw on
    expect(page.get_by_test_id("custom-source")).to_contain_text("Circle is generated data")
    expect(page.get_by_test_id("custom-split")).to_contain_text("50% train")

    canvas.click(position={"x": 30, "y": 30})
    expect(page.get_by_test_id("custom-confirm")).to_be_visible()
    assert app.probe("s => s.config.dataset.name") == "circle"  # nothing changed yet
    page.get_by_test_id("custom-copy").click()
    app.wait("s => s.config.dataset.name === 'custom' && s.data.train.x1.length"
             " + s.data.validation.x1.length + s.data.test.x1.length === 101")

    page.get_by_test_id("dataset-circle").click()
    app.wait("s => s.config.dataset.name === 'circle'")
    canvas.click(position={"x": 30, "y": 30})
    page.get_by_test_id("custom-fresh").click()
    expect(page.locator(".pp-custom-status")).to_contain_text("1 of")
    assert app.probe("s => s.config.dataset.name") == "circle"
