#pragma once
// Plain data produced by device/, wipe/ and verify/ and consumed by certs/ and the renderers.
// Keeping it in core lets certs read a record while linking only core ("certs never touches a
// device" is then checked by the linker). No floating point: every number here is an integer
// or a preformatted string, so the JSON form is canonical (RFC 8785) without float formatting.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sanitize_method.hpp"

namespace wipeproof {

struct DeviceIdentity {
  std::string path;             ///< as given by the user
  std::string kind;             ///< "block" or "image"
  std::string kernel_name;      ///< "loop3", "sda"; empty for images
  std::string model;
  std::string serial;
  std::string wwn;
  std::string firmware;         ///< from IDENTIFY (ATA/NVMe) or sysfs
  std::string transport;        ///< sata, sas, nvme, usb, virtio, loop, scsi, mmc, image, unknown
  std::optional<bool> rotational;
  std::uint64_t size_bytes = 0;
  std::uint32_t logical_sector_size = 512;
  std::uint32_t physical_sector_size = 512;
  bool direct_io = false;       ///< O_DIRECT was used (page cache bypassed)
};

/// fixed and random_stream are what a pass of ours wrote. The other kinds are what a firmware
/// erase or another tool is expected to leave, where no exact content is known
/// (docs/verification.md, "Expected content"): every block one repeated byte value (block
/// erase: zeroes, ones or a vendor byte), noise (crypto erase; uniform blocks also pass, as a
/// drive may deallocate afterwards), or anything without recognisable content.
enum class PatternKind { fixed, random_stream, uniform, looks_random, any };

/// What one pass writes. A fixed pattern repeats from byte 0 of the device: the byte at offset o
/// is bytes[o % bytes.size()]. A random stream is AES-128-CTR keystream (key, IV as given): the
/// byte at offset o is keystream byte o, so it can be regenerated anywhere.
struct PassPattern {
  PatternKind kind = PatternKind::fixed;
  std::vector<std::byte> bytes;  ///< fixed only
  std::string key_hex;           ///< random_stream only: 16-byte AES key
  std::string iv_hex;            ///< random_stream only: 16-byte initial counter block
  std::string origin;            ///< how the pass was chosen: "fixed", "random byte", "complement"...
};

/// A contiguous run of logical blocks that failed, with the errno that said so.
struct IoFault {
  std::string op;                ///< "write", "read", "sync"
  std::uint64_t lba_first = 0;
  std::uint64_t lba_count = 0;
  int sys_errno = 0;
  std::string message;
};

enum class RunStatus { complete, interrupted, aborted, skipped };
const char* run_status_name(RunStatus status);

struct PassRecord {
  int index = 0;                 ///< 1-based
  PassPattern pattern;
  std::string started;           ///< RFC 3339 UTC
  std::string finished;
  std::uint64_t bytes_written = 0;
  std::uint64_t throughput_bytes_per_s = 0;
  bool synced = false;           ///< fdatasync at the end succeeded
  std::vector<IoFault> errors;
  RunStatus status = RunStatus::skipped;
};

struct SamplePlanSummary {
  std::string seed_hex;
  std::uint64_t subsections = 0;
  std::uint64_t samples_per_subsection = 0;
  std::uint64_t sample_count = 0;      ///< ranges read, including first/last block
  std::uint64_t sample_blocks = 0;     ///< blocks per subsection sample
  std::uint64_t covered_blocks = 0;
  std::uint64_t total_blocks = 0;
  std::uint32_t block_size = 0;
  std::uint32_t requested_coverage_ppm = 0;
  std::string coverage_percent;        ///< achieved coverage: "10.02"
  /// "pattern" (exact content), "uniform", "looks_random", "no_residue" (PatternKind), or
  /// "changed": each block differs from before the erase or is uniform.
  std::string criterion = "pattern";
  std::string lba_list_sha256;
  bool first_and_last_included = false;
};

struct SignatureHit {
  std::string type;    ///< "ext4", "gpt", ...
  std::string usage;   ///< "filesystem", "partition table", ...
  std::uint64_t offset = 0;
};

struct SignatureScan {
  bool performed = false;
  bool clean = false;
  std::vector<SignatureHit> hits;
  std::string error;   ///< non-empty when the scan could not run
};

/// Recognisable content found in a block that failed verification.
struct ResidueHit {
  std::uint64_t lba = 0;
  std::string type;  ///< "DICOM", "HL7 v2 message", "search string \"P-00\"", ...
};

enum class VerifyMode { full, sample, none };
const char* verify_mode_name(VerifyMode mode);

/// What was checked around a firmware erase besides the read-back (docs/verification.md,
/// "Evidence for firmware erases"). Any surviving canary or unchanged fingerprinted block means
/// not_erased; media_inspected == false means the read-back could not see behind deallocated
/// blocks and the result is at best erased_with_exceptions.
struct EraseEvidence {
  std::uint64_t canaries_written = 0;
  std::vector<std::uint64_t> canary_lbas;
  std::vector<std::uint64_t> canaries_surviving;   ///< LBAs still holding their canary
  std::vector<std::uint64_t> canaries_unreadable;
  std::uint64_t fingerprinted_blocks = 0;          ///< SHA-256 taken before the erase
  std::uint64_t fingerprints_unchanged = 0;        ///< non-uniform blocks that read the same after
  std::vector<std::uint64_t> unchanged_lbas;       ///< at most kMaxReportedMismatches
  std::string expected_result;                     ///< the method's defined result, in words
  bool media_verification_used = false;            ///< NVMe sanitize with EMVS
  std::string media_verification_note;             ///< why not, or how it ended
  bool media_inspected = true;
  std::string media_note;                          ///< why the media could not be inspected
};

struct VerifyReport {
  VerifyMode mode = VerifyMode::none;
  PassPattern expected;
  std::optional<SamplePlanSummary> plan;
  std::string started;
  std::string finished;
  std::uint64_t blocks_read = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t throughput_bytes_per_s = 0;
  std::uint64_t mismatched_blocks = 0;
  /// Blocks read back as one repeated 0x00 or 0xFF: all of them on a flash drive means the reads
  /// may be the drive's answer for deallocated blocks, not the media (see EraseEvidence).
  std::uint64_t uniform_blocks = 0;
  std::vector<std::uint64_t> first_mismatch_lbas;  ///< at most kMaxReportedMismatches
  std::vector<IoFault> read_errors;
  std::vector<ResidueHit> residue;  ///< at most kMaxReportedMismatches
  SignatureScan signature_scan;
  std::optional<EraseEvidence> evidence;  ///< firmware erases only
  /// Probability that a residue covering 1 % (0.1 %, 0.01 %) of the device was missed: (1-p)^samples.
  std::string miss_probability_1pct;
  std::string miss_probability_0_1pct;
  std::string miss_probability_0_01pct;
  RunStatus status = RunStatus::skipped;
  bool passed = false;
};

inline constexpr std::size_t kMaxReportedMismatches = 64;

/// One command a firmware sanitize sent, and the drive's answer.
struct FirmwareCommandRecord {
  std::string name;
  std::string parameters;
  std::string result;
  std::string at;
};

/// Hidden areas of an ATA drive (HPA, DCO, accessible max address) as the job found and left them.
enum class HiddenAreaState { not_checked, none_found, found, removed };
const char* hidden_area_state_name(HiddenAreaState state);
std::optional<HiddenAreaState> hidden_area_state_from_name(std::string_view name);

/// How the method was chosen and what a firmware method did. `level` and `shortfall` are the
/// outcome rule's (job/outcome.hpp); everything else is evidence.
struct SanitizationChoice {
  std::optional<SanitizeLevel> requested_level;  ///< --level; nullopt when --method forced one
  SanitizeLevel level = SanitizeLevel::none;     ///< what the evidence supports (outcome rule)
  SanitizeMethod method = SanitizeMethod::overwrite;  ///< what ran (its type: method_info)
  std::string why;                     ///< why this method
  std::string shortfall;               ///< why the requested level was not reached (outcome rule)
  std::vector<std::string> rejected;   ///< methods not used, with reasons, and attempts that failed
  std::vector<FirmwareCommandRecord> commands;
  bool firmware_completed = false;
  std::string firmware_failure;
  std::uint64_t sectors_before = 0;    ///< hidden areas: visible sectors before/after restoring them
  std::uint64_t sectors_after = 0;
  std::uint64_t native_sectors = 0;    ///< READ NATIVE MAX / DCO maximum, when asked (0 = not asked)
  HiddenAreaState hidden_areas = HiddenAreaState::not_checked;
  std::string smart_before;            ///< health summary before the job ("" = not available)
  /// Blocks the drive reports retired ("" = not asked, "none reported", or what it said).
  std::string retired_blocks;
  std::string smart_after;
  /// Every NVMe namespace a controller-wide command erased besides the target (nvme0n2, ...).
  std::vector<std::string> other_namespaces;
  /// Their read-back against the method's defined result, one line each ("nvme0n2: sample of N
  /// blocks, 0 differ, no signature"), in the order of other_namespaces.
  std::vector<std::string> other_namespace_checks;
};

struct MethodSummary {
  std::string name;
  std::string title;
  std::string source;
  int rounds = 1;
  bool final_blank = false;
};

enum class Outcome { erased, erased_with_exceptions, not_erased, interrupted };
const char* outcome_name(Outcome outcome);
std::optional<Outcome> outcome_from_name(std::string_view name);

struct ToolInfo {
  std::string name = "wipeproof";
  std::string version;
  std::string binary_sha256;
};

/// One interruption of a job that was later resumed from its journal (docs/record.md,
/// "Interruptions"): where the last durable checkpoint was, and where work started again.
struct Interruption {
  std::string last_checkpoint;       ///< RFC 3339: the last moment the journal proved progress durable
  std::string phase;                 ///< "pass" or "verify"
  int pass = 0;                      ///< 1-based pass being written; 0 in the verify phase
  std::uint64_t checkpoint_offset = 0;  ///< bytes durable (pass) or read (verify) at that checkpoint
  std::uint64_t resumed_offset = 0;  ///< where writing or reading started again (a safe point before)
  std::string resumed_at;            ///< RFC 3339
  std::string resumed_by;            ///< "wipeproof resume", "station", "boot image"
  std::string host;                  ///< machine that resumed
};

struct WipeRecord {
  int record_version = 1;
  std::string record_id;         ///< UUID v4
  ToolInfo tool;
  std::string host;
  std::string kernel;
  std::string started;
  std::string finished;
  DeviceIdentity device;
  MethodSummary method;
  std::uint32_t block_size_bytes = 0;  ///< I/O size used by the writer
  std::vector<PassRecord> passes;
  SanitizationChoice choice;
  VerifyReport verification;
  Outcome outcome = Outcome::not_erased;
  /// Facts from the job itself that undermine the result and no other field holds (a simulated
  /// drive's media not saved, the record header incomplete). Evidence for the outcome rule.
  std::vector<std::string> job_faults;
  /// The outcome rule's output (job/outcome.hpp): exceptions undermine the claimed level and
  /// make the outcome at best erased_with_exceptions; limitations say what the evidence does not
  /// show beyond that level (what a higher level would need) without tainting the outcome.
  std::vector<std::string> exceptions;
  std::vector<std::string> limitations;
  std::vector<Interruption> interruptions;  ///< empty unless the job was resumed from its journal
};

}  // namespace wipeproof
