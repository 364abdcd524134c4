#pragma once
// The record's JSON form (docs/record.md). Serializing is separate from building the record
// (job/) and, later, from signing it. nlohmann::json keeps object keys sorted and the record
// holds no floating-point numbers, so dump() output is canonical (RFC 8785) as it is.
#include <string>

#include <nlohmann/json.hpp>

#include "core/records.hpp"
#include "core/result.hpp"

namespace wipeproof::certs {

nlohmann::json record_to_json(const WipeRecord& record);
nlohmann::json verify_report_to_json(const VerifyReport& report);
nlohmann::json pattern_to_json(const PassPattern& pattern);
nlohmann::json pass_record_to_json(const PassRecord& pass);
nlohmann::json interruption_to_json(const Interruption& interruption);
/// A pass pattern as pattern_to_json writes it ("changed", which has no content, is refused).
Result<PassPattern> pattern_from_json(const nlohmann::json& json);

/// Strict inverses of the serializers above, for the journal (job/journal.hpp), which keeps a
/// record's header and its passes so far and rebuilds them on resume. Every field is required
/// and typed; usage error naming the problem otherwise.
Result<PassRecord> pass_record_from_json(const nlohmann::json& json);
/// The counters and lists of a verification in progress (not the plan or the conclusions,
/// which verify_device recomputes).
Result<VerifyReport> verify_progress_from_json(const nlohmann::json& json);
Result<Interruption> interruption_from_json(const nlohmann::json& json);
Result<WipeRecord> full_record_from_json(const nlohmann::json& json);

/// Parses the fields `verify` needs back out of a record: the last pass's pattern, the sample
/// plan seed and coverage. Usage error on anything malformed.
Result<WipeRecord> record_from_json(const nlohmann::json& json);

/// Pretty-printed (indent 2) for files people read; keys stay sorted.
std::string to_document(const nlohmann::json& json);

}  // namespace wipeproof::certs
