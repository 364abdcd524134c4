#include <catch2/catch.hpp>

#include "cli/tui_model.hpp"

using namespace wipeproof::cli;

namespace {

std::vector<TuiDrive> three_drives() {
  std::vector<TuiDrive> d(3);
  d[0].name = "nvme0n1";
  d[0].confirm = "NVME0001";
  d[1].name = "sda";
  d[1].confirm = "IDE0001";
  d[2].name = "sdc";
  d[2].refused = "mounted on /mnt";
  return d;
}

void type(TuiModel& m, const std::string& text) {
  for (char c : text) m.key(c);
}

}  // namespace

TEST_CASE("tui: select, name the operator, confirm with the count, start one job per drive", "[tui]") {
  TuiModel m(three_drives(), "purge");
  CHECK(m.key(kKeyEnter) == TuiAction::none);  // nothing selected yet
  CHECK_THAT(m.message(), Catch::Contains("SPACE"));
  m.key(' ');            // nvme0n1
  m.key(kKeyDown);
  m.key(kKeyDown);
  m.key(' ');            // sdc is refused: not selectable, and the reason is shown
  CHECK_FALSE(m.selected(2));
  CHECK_THAT(m.message(), Catch::Contains("mounted on /mnt"));
  m.key(kKeyUp);
  m.key(' ');            // sda
  CHECK(m.selected_count() == 2);
  m.key('l');
  CHECK(m.level() == "clear");
  m.key('l');
  m.key(kKeyEnter);
  REQUIRE(m.screen() == TuiScreen::operator_name);
  m.key(kKeyEnter);      // an empty name is refused
  CHECK(m.screen() == TuiScreen::operator_name);
  CHECK_THAT(m.message(), Catch::Contains("required"));
  type(m, "Ada Tx");
  m.key(kKeyBackspace);
  type(m, "ech");
  CHECK(m.operator_name() == "Ada Tech");
  m.key(kKeyEnter);
  REQUIRE(m.screen() == TuiScreen::confirm);
  type(m, "3");          // the wrong count: nothing starts
  CHECK(m.key(kKeyEnter) == TuiAction::none);
  CHECK(m.jobs().empty());
  CHECK_THAT(m.message(), Catch::Contains("nothing was written"));
  type(m, "x2");         // letters are ignored
  CHECK(m.confirm_text() == "2");
  CHECK(m.key(kKeyEnter) == TuiAction::start);
  REQUIRE(m.jobs().size() == 2);
  CHECK(m.jobs()[0].drive == 0);
  CHECK(m.jobs()[1].drive == 1);
  CHECK(m.screen() == TuiScreen::running);
  CHECK(m.key('q') == TuiAction::none);  // a running wipe is not abandoned from the keyboard
}

TEST_CASE("tui: progress and results come from the wipe processes' JSON events", "[tui]") {
  TuiModel m(three_drives(), "purge");
  m.key('a');
  CHECK(m.selected_count() == 2);  // 'a' skips the refused drive
  m.key(kKeyEnter);
  type(m, "Ada");
  m.key(kKeyEnter);
  type(m, "2");
  REQUIRE(m.key(kKeyEnter) == TuiAction::start);
  m.event(0, R"({"event":"progress","phase":"pass","step":1,"steps":3,"bytes_done":50,"bytes_total":200,"bytes_per_s":120000000,"eta_s":3725})");
  const TuiJob& j = m.jobs()[0];
  CHECK(j.done == 50);
  CHECK(TuiModel::progress_line(j, 8) == "[##......]  25.0 %  pass 1/3      120 MB/s  ETA 1:02:05");
  m.event(0, "not json at all");  // ignored
  m.event(0, R"({"event":"done","outcome":"erased","record_id":"r1","certificate":{"json":"/wp/certs/r1.json"}})");
  m.exited(0, 0);
  CHECK(m.screen() == TuiScreen::running);  // the other drive is still going
  m.event(1, R"({"event":"error","kind":"refused","message":"/dev/sda: mounted on /x"})");
  m.exited(1, 3);
  REQUIRE(m.screen() == TuiScreen::results);
  CHECK(m.jobs()[0].outcome == "erased");
  CHECK(m.jobs()[0].certificate == "/wp/certs/r1.json");
  CHECK(m.jobs()[1].outcome.empty());
  CHECK(m.jobs()[1].error == "/dev/sda: mounted on /x");
  CHECK(m.key('p') == TuiAction::power_off);
}

TEST_CASE("tui: a wipe process that dies without a result is reported, not lost", "[tui]") {
  TuiModel m(three_drives(), "clear");
  m.key(' ');
  m.key(kKeyEnter);
  type(m, "Ada");
  m.key(kKeyEnter);
  type(m, "1");
  REQUIRE(m.key(kKeyEnter) == TuiAction::start);
  m.exited(0, 137);
  CHECK_THAT(m.jobs()[0].error, Catch::Contains("137"));
  CHECK(m.screen() == TuiScreen::results);
  TuiModel empty({}, "purge");
  CHECK_THAT(empty.message(), Catch::Contains("no drives"));
  CHECK(empty.key(' ') == TuiAction::none);
  CHECK(empty.key(kKeyEscape) == TuiAction::none);
}
