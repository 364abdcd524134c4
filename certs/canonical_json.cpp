#include "certs/canonical_json.hpp"

namespace wipeproof::certs {
using nlohmann::json;

namespace {

bool has_float(const json& v) {
  if (v.is_number_float()) return true;
  if (v.is_structured())
    for (const auto& e : v)
      if (has_float(e)) return true;
  return false;
}

}  // namespace

Result<std::string> canonicalize(const json& value) {
  if (has_float(value))
    return make_error(ErrorKind::usage, "canonical JSON: floating-point numbers are not allowed in signed documents");
  try {
    return value.dump(-1, ' ', false, json::error_handler_t::strict);
  } catch (const json::exception& e) {
    return make_error(ErrorKind::usage, std::string("canonical JSON: ") + e.what());
  }
}

Result<json> parse_canonical(std::string_view bytes) {
  json v = json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (v.is_discarded()) return make_error(ErrorKind::usage, "not valid JSON");
  WP_ASSIGN_OR_RETURN(std::string canon, canonicalize(v));
  if (canon != bytes) {
    std::size_t i = 0;
    while (i < canon.size() && i < bytes.size() && canon[i] == bytes[i]) ++i;
    return make_error(ErrorKind::verify_mismatch,
                      "not in canonical form (RFC 8785): first difference at byte " + std::to_string(i));
  }
  return v;
}

}  // namespace wipeproof::certs
