#pragma once
// Chain-of-custody rules (issue 8; MHLW guideline: disposal by a competent party, confirmed;
// NIST SP 800-88 §4.8 / IEEE 2883 chain-of-custody documents). A drive enters by `received`
// (identity read from it, or typed and said so) and moves through wiped / wipe_failed,
// queued_for_destruction, handed_over (to a contractor, possibly in a batch),
// contractor_returned, destroy_check, destroyed and certificate_issued. These functions are pure:
// what may follow what, which events a drive's chain lacks, and whether the hash chain holds.
#include <string>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "station/registry.hpp"

namespace wipeproof::station {

inline constexpr const char* kCustodyEvents[] = {"received",     "wiped",          "wipe_failed", "queued_for_destruction",
                                                  "handed_over",  "contractor_returned", "destroy_check", "destroyed",
                                                  "certificate_issued"};
bool is_custody_event(const std::string& type);

/// A fresh custody id: "WPC-" and 10 upper-case hex digits (short enough to read off a label).
Result<std::string> new_custody_id();

/// The text a label's QR code holds, and its parser (custody id and serial).
std::string custody_label_payload(const std::string& custody_id, const std::string& serial);
std::optional<std::pair<std::string, std::string>> parse_custody_label(const std::string& payload);

/// Where the drive is now: the last event's type, or "unknown" with no events.
std::string custody_state(const std::vector<CustodyEvent>& events);
bool awaiting_destruction(const std::vector<CustodyEvent>& events);
/// What the drive's chain lacks, in words ("destroyed by contractor Acme without a handed_over
/// event"). Empty: complete so far.
std::vector<std::string> custody_gaps(const std::vector<CustodyEvent>& events);
/// Breaks in the one hash chain of all events (altered, reordered or removed entries).
std::vector<std::string> custody_chain_problems(const std::vector<CustodyEvent>& all_events);

/// What a drive's intake knows about it.
struct IntakeIdentity {
  std::string serial, model, wwn;
  std::string identity_source = "read";  ///< read | typed
  std::string asset;
  std::string bus, media_type, firmware;  ///< when read from the drive
  std::uint64_t size_bytes = 0;
};

/// The chain of this serial that has no certificate yet (with its events), if any.
Result<std::optional<std::pair<CustodyDrive, std::vector<CustodyEvent>>>> open_chain(Registry& registry,
                                                                                   const std::string& serial);

/// Takes a drive into custody: a new custody id and its `received` event. Refused when the same
/// serial already has an open chain (not yet certified), naming its custody id.
Result<CustodyDrive> receive_drive(Registry& registry, const IntakeIdentity& identity, const std::string& from,
                                   const std::string& by, const std::string& note = "");
/// The drive with this custody id or serial (the newest chain); refused when none was received.
Result<CustodyDrive> custody_of(Registry& registry, const std::string& key);
/// Appends an event after checking its type; `detail` must be a JSON object.
Result<CustodyEvent> record_custody_event(Registry& registry, const std::string& custody_id, const std::string& type,
                                          const std::string& actor, const nlohmann::json& detail);

/// What a finished wipe tells the custody chain.
struct WipeOutcomeFacts {
  IntakeIdentity identity;  ///< as read by the wipe
  std::string from;         ///< the device path
  std::string outcome;      ///< erased, erased_with_exceptions, not_erased, interrupted
  std::string record_id, method, smart;
  std::vector<std::string> exceptions;
  bool certified = false;
};
/// The drive is received (if it has no open chain), then `wiped` (+ `certificate_issued`), or —
/// when the outcome is not a clean erase — `wipe_failed` and `queued_for_destruction` (reason
/// wipe_failed). An interrupted job records nothing (it can be resumed). Returns the custody id.
Result<std::string> record_wipe_outcome(Registry& registry, const WipeOutcomeFacts& facts, const std::string& by);

/// A drive's chain as the API and `custody show` present it.
nlohmann::json custody_json(const CustodyDrive& drive, const std::vector<CustodyEvent>& events);

}  // namespace wipeproof::station
