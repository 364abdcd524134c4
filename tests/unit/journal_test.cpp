#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "core/pass_stream.hpp"
#include "device/sim_block_device.hpp"
#include "job/journal.hpp"
#include "job/outcome.hpp"
#include "job/resume.hpp"
#include "job/wipe_job.hpp"

using namespace wipeproof;
namespace fs = std::filesystem;

namespace {

/// Stops the job (as SIGKILL would, minus the record) after `limit` block writes; counts reads.
class StoppingDevice : public device::BlockDevice {
 public:
  StoppingDevice(device::BlockDevice& inner, CancelToken& cancel, std::size_t limit)
      : inner_(inner), cancel_(cancel), limit_(limit) {}
  Result<void> read_at(std::uint64_t o, std::span<std::byte> out) override {
    ++reads;
    if (read_limit && reads >= read_limit) cancel_.cancel();
    return inner_.read_at(o, out);
  }
  Result<void> write_at(std::uint64_t o, std::span<const std::byte> in) override {
    if (++writes >= limit_) cancel_.cancel();
    first_write_offset = std::min(first_write_offset, o);
    return inner_.write_at(o, in);
  }
  Result<void> flush() override { return inner_.flush(); }
  Result<void> drop_caches() override { return inner_.drop_caches(); }
  const device::DeviceGeometry& geometry() const override { return inner_.geometry(); }
  bool direct_io() const override { return false; }
  std::string describe() const override { return "stopping"; }
  std::size_t writes = 0, reads = 0, read_limit = 0;
  std::uint64_t first_write_offset = UINT64_MAX;

 private:
  device::BlockDevice& inner_;
  CancelToken& cancel_;
  std::size_t limit_;
};

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("wipeproof-journal-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

struct Job {
  job::JobSpec spec;
  job::JobPlan plan;
  job::JournalStart start;
};

Job make_job(const device::BlockDevice& dev, const char* method) {
  Job j;
  j.spec.method = wipe::find_method(method);
  REQUIRE(j.spec.method != nullptr);
  j.spec.block_size = 64 * 1024;
  auto plan = job::plan_job(dev.geometry(), j.spec);
  REQUIRE(plan);
  j.plan = *plan;
  DeviceIdentity id;
  id.path = "sim";
  id.kind = "image";
  id.serial = "SIM-1";
  j.start.header = job::begin_record(dev, id, j.spec);
  j.start.passes = j.plan.passes;
  j.start.verify_mode = j.spec.verify_mode;
  return j;
}

/// The device holds exactly what the last pass writes, everywhere.
bool holds_last_pass(device::SimBlockDevice& dev, const PassPattern& last) {
  std::vector<std::byte> data(dev.geometry().size_bytes), expected(data.size());
  REQUIRE(dev.read_at(0, data));
  auto stream = PassStream::create(last);
  REQUIRE(stream);
  REQUIRE(stream->fill(0, expected));
  return data == expected;
}

constexpr auto kEveryBlock = std::chrono::milliseconds(0);

/// Runs `j` journaled (a checkpoint after every block) until the device stops it after
/// `write_limit` writes or `read_limit` reads; returns the journal's path.
std::string run_until_stopped(const TempDir& dir, device::SimBlockDevice& sim, const Job& j, std::size_t write_limit,
                              std::size_t read_limit = 0) {
  CancelToken cancel;
  StoppingDevice dev(sim, cancel, write_limit);
  dev.read_limit = read_limit;
  auto writer = job::JournalWriter::create(dir.path.string(), j.start);
  REQUIRE(writer);
  WipeRecord first = job::execute_job(dev, j.start.header, j.spec, j.plan, {}, cancel, &*writer, nullptr, kEveryBlock);
  job::apply_verdict(first);
  REQUIRE(first.outcome == Outcome::interrupted);
  return writer->path();
}

}  // namespace

TEST_CASE("a job stopped mid-pass resumes from its journal and leaves what an uninterrupted one would",
          "[journal]") {
  for (std::size_t stop_after : {3u, 40u, 70u, 150u}) {  // passes 1, 1, 2, 3 (64 blocks per pass)
    TempDir dir;
    device::SimBlockDevice sim(4 * 1024 * 1024);
    Job j = make_job(sim, "dod3");
    CancelToken cancel;
    StoppingDevice dev(sim, cancel, stop_after);
    auto writer = job::JournalWriter::create(dir.path.string(), j.start);
    REQUIRE(writer);
    WipeRecord first = job::execute_job(dev, j.start.header, j.spec, j.plan, {}, cancel, &*writer, nullptr, kEveryBlock);
    job::apply_verdict(first);
    REQUIRE(first.outcome == Outcome::interrupted);

    auto state = job::read_journal(writer->path());
    REQUIRE(state);
    CHECK_FALSE(state->finished);
    CHECK(state->completed.size() == (stop_after - 1) / 64);
    auto point = job::resume_point(*state);
    REQUIRE(point);
    CHECK(point->phase == "pass");
    CHECK(point->interruption.pass == static_cast<int>(state->completed.size()) + 1);
    // The safe point is the checkpoint before the last: at most two checkpoints are rewritten.
    CHECK(point->interruption.resumed_offset <= point->interruption.checkpoint_offset);
    CHECK(point->interruption.checkpoint_offset - point->interruption.resumed_offset <= 64 * 1024);
    REQUIRE(job::check_resume_content(sim, *state, *point));

    // One process at a time: the lock holds while the first writer is open.
    std::string path = writer->path();
    auto locked = job::JournalWriter::reopen(path);
    REQUIRE_FALSE(locked);
    CHECK(locked.error().kind == ErrorKind::refused);
    writer = tl::unexpected(Error{ErrorKind::internal, 0, "closed"});
    CHECK(job::JournalWriter::reopen(path));
  }
}

TEST_CASE("resume continues the counter of a random pass and carries the pass record on", "[journal]") {
  TempDir dir;
  device::SimBlockDevice sim(4 * 1024 * 1024);
  Job j = make_job(sim, "dod3");
  std::string path = run_until_stopped(dir, sim, j, 64 * 2 + 30);  // in the random pass (3), about half-way
  auto state = job::read_journal(path);
  REQUIRE(state);
  auto point = job::resume_point(*state);
  REQUIRE(point);
  REQUIRE(point->overwrite.current.offset > 0);
  auto writer = job::JournalWriter::reopen(path);
  REQUIRE(writer);
  CancelToken cancel;
  StoppingDevice dev(sim, cancel, SIZE_MAX);
  WipeRecord header = state->start.header;
  header.interruptions.push_back(point->interruption);
  writer->resumed(point->interruption);
  WipeRecord rec = job::execute_job(dev, header, j.spec, j.plan, {}, cancel, &*writer, &*point, kEveryBlock);
  job::apply_verdict(rec);
  CHECK(rec.outcome == Outcome::erased);
  CHECK(dev.first_write_offset == point->overwrite.current.offset);  // not from 0
  REQUIRE(rec.passes.size() == 3);
  CHECK(rec.passes[2].bytes_written >= sim.geometry().size_bytes);
  CHECK(rec.interruptions.size() == 1);
  CHECK(holds_last_pass(sim, j.plan.passes.back()));
  // The journal now shows the whole job; a second reader sees the resumed line.
  auto after = job::read_journal(path);
  REQUIRE(after);
  CHECK(after->completed.size() == 3);
  CHECK(after->interruptions.size() == 1);
}

TEST_CASE("verification stopped part-way resumes its reads and counters", "[journal]") {
  TempDir dir;
  device::SimBlockDevice sim(4 * 1024 * 1024);
  Job j = make_job(sim, "random");
  std::string path = run_until_stopped(dir, sim, j, SIZE_MAX, 20);  // 20 reads into the verification
  auto state = job::read_journal(path);
  REQUIRE(state);
  auto point = job::resume_point(*state);
  REQUIRE(point);
  CHECK(point->phase == "verify");
  CHECK(point->first_read > 0);
  REQUIRE(job::check_resume_content(sim, *state, *point));
  CancelToken cancel;
  StoppingDevice dev(sim, cancel, SIZE_MAX);
  WipeRecord rec = job::execute_job(dev, state->start.header, j.spec, j.plan, {}, cancel, nullptr, &*point, kEveryBlock);
  job::apply_verdict(rec);
  CHECK(rec.outcome == Outcome::erased);
  CHECK(dev.writes == 0);
  CHECK(dev.reads == 64 - point->first_read);  // only the reads not yet done
  CHECK(rec.verification.blocks_read == sim.geometry().size_bytes / 512);
}

TEST_CASE("journal reading: torn last line, damage, finished jobs, other drives", "[journal]") {
  TempDir dir;
  device::SimBlockDevice sim(1024 * 1024);
  Job j = make_job(sim, "random");
  std::string path;
  {
    auto writer = job::JournalWriter::create(dir.path.string(), j.start);
    REQUIRE(writer);
    path = writer->path();
    CHECK_FALSE(job::JournalWriter::create(dir.path.string(), j.start));  // never overwritten
    PassRecord p;
    p.index = 1;
    p.pattern = j.plan.passes[0];
    p.status = RunStatus::complete;
    writer->pass_checkpoint(p, 65536);
    REQUIRE(writer->failure().empty());
  }
  SECTION("a torn last line is ignored, and reopen cuts it off") {
    std::ofstream(path, std::ios::app) << "{\"at\":\"2026-";
    auto st = job::read_journal(path);
    REQUIRE(st);
    CHECK(st->torn_tail);
    CHECK(st->checkpoints.size() == 1);
    {
      auto w = job::JournalWriter::reopen(path);
      REQUIRE(w);
      w->finished(Outcome::erased, "x.json");
    }
    auto again = job::read_journal(path);
    REQUIRE(again);
    CHECK_FALSE(again->torn_tail);
    CHECK(again->finished);
    CHECK_FALSE(job::resume_point(*again));  // finished jobs are not resumed
  }
  SECTION("a damaged line in the middle is an error naming it") {
    std::ofstream(path, std::ios::app) << "not json\n{\"type\":\"finished\",\"at\":\"x\",\"outcome\":\"erased\"}\n";
    auto st = job::read_journal(path);
    REQUIRE_FALSE(st);
    CHECK_THAT(st.error().context, Catch::Contains("line 3"));
  }
  SECTION("another drive is refused, naming what differs") {
    device::Target t;
    t.path = "sim";
    t.identity = j.start.header.device;
    t.identity.serial = "SIM-2";
    auto same = job::check_same_drive(j.start, t, sim.geometry());
    REQUIRE_FALSE(same);
    CHECK(same.error().kind == ErrorKind::refused);
    CHECK_THAT(same.error().context, Catch::Contains("serial 'SIM-1' (journal) vs 'SIM-2'"));
    t.identity.serial = "SIM-1";
    CHECK(job::check_same_drive(j.start, t, sim.geometry()));
  }
}
