#include "station/server.hpp"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include <httplib.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/sys.hpp"
#include "device/device_inventory.hpp"
#include "station/ingest.hpp"
#include "station/jobs.hpp"
#include "station/web_guard.hpp"
#include "station/tls.hpp"
#include "station/access.hpp"
#include "station/bays.hpp"
#include "station/custody.hpp"
#include "station/handover.hpp"
#include "station/events.hpp"
#include "station/web_assets.hpp"

namespace wipeproof::station {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void reply(httplib::Response& res, int status, const json& body) { reply_json(res, status, body); }

std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

json row_json(const CertificateRow& r) {
  return {{"id", r.id}, {"serial", r.serial}, {"model", r.model}, {"result", r.result}, {"level", r.level},
          {"method", r.method}, {"operator", r.operator_name}, {"organisation", r.organisation},
          {"issued_at", r.issued_at}, {"sha256", r.sha256}, {"received_at", r.received_at}, {"source", r.source}};
}

CertificateFilter filter_of(const httplib::Request& req) {
  CertificateFilter f;
  f.serial = req.get_param_value("serial");
  f.result = req.get_param_value("result");
  f.from = req.get_param_value("from");
  f.to = req.get_param_value("to");
  f.operator_name = req.get_param_value("operator");
  return f;
}

}  // namespace

std::string registry_location(const StationOptions& o) {
  return o.registry.empty() ? (fs::path(o.data_dir) / "registry.db").string() : o.registry;
}

Result<std::string> prepare_station(const StationOptions& o) {
  std::error_code ec;
  fs::create_directories(o.data_dir, ec);
  if (ec) return sys_error("cannot create " + o.data_dir, ec.value());
  ::chmod(o.data_dir.c_str(), 0700);
  WP_ASSIGN_OR_RETURN(auto reg, Registry::open(registry_location(o)));
  std::string token;
  std::string token_path = (fs::path(o.data_dir) / "admin.token").string();
  if (!fs::exists(token_path)) {
    WP_ASSIGN_OR_RETURN(token, reg->create_token(Role::admin, "first start"));
    WP_RETURN_IF_ERROR(write_file_atomic(token_path, token + "\n", 0600));
    WP_RETURN_IF_ERROR(reg->audit("station", "token", "admin token created on first start"));
  }
  if (o.tls) WP_RETURN_IF_ERROR(ensure_tls_identity(o.data_dir, o.host));
  return token;
}

Result<void> serve(const StationOptions& o, Registry& reg, std::atomic<bool>& stop) {
  std::unique_ptr<httplib::Server> srv;
  if (o.tls) {
    auto s = std::make_unique<httplib::SSLServer>((fs::path(o.data_dir) / "tls.pem").c_str(),
                                                  (fs::path(o.data_dir) / "tls.key").c_str());
    if (!s->is_valid()) return make_error(ErrorKind::usage, "cannot load the TLS identity in " + o.data_dir);
    srv = std::move(s);
  } else {
    srv = std::make_unique<httplib::Server>();
  }
  srv->set_payload_max_length(64u << 20);
  // Each open dashboard holds one worker for its event stream: size the pool for a rack.
  srv->new_task_queue = [] { return new httplib::ThreadPool(48); };
  EventHub events;
  JobConfig jc;
  jc.wipeproof = o.wipeproof;
  jc.out_dir = (fs::path(o.data_dir) / "certs").string();
  jc.keys = o.keys;
  jc.site = o.site;
  jc.no_sign = o.keys.empty();
  jc.events = &events;
  jc.shutdown_grace_ms = o.shutdown_grace_ms;
  JobManager jobs(jc, reg);
  BayWatcher bays(o.bays, o.poll_ms, events, reg, jobs);
  Access access(reg, o.tls);
  auto authorize = [&](const httplib::Request& req, httplib::Response& res, Role need) {
    return access.authorize(req, res, need);
  };
  // Browsers on other origins (another port of this host too) change nothing through a signed-in
  // person's cookie, and every answer carries the headers that keep it out of frames and caches.
  srv->set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    BrowserRequest b;
    b.method = req.method;
    b.host = req.get_header_value("Host");
    b.origin = req.get_header_value("Origin");
    b.content_type = req.get_header_value("Content-Type");
    b.has_body = req.get_header_value("Content-Length") != "" && req.get_header_value("Content-Length") != "0";
    b.has_body = b.has_body || req.has_header("Transfer-Encoding");
    b.has_session_cookie = Access::has_session_cookie(req);
    b.tls = o.tls;
    if (auto why = refuse_cross_origin(b)) {
      reply(res, 403, {{"reason", *why}});
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  srv->set_post_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    std::size_t n = 0;
    const SecurityHeader* h = security_headers(o.tls, n);
    for (std::size_t i = 0; i < n; ++i)
      if (!res.has_header(h[i].name)) res.set_header(h[i].name, h[i].value);
    if (req.path.rfind("/api/", 0) == 0 && !res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
  });
  for (const auto& asset : web_assets()) {
    srv->Get(std::string(asset.url), [&asset](const httplib::Request&, httplib::Response& res) {
      res.set_header("Content-Security-Policy",
                     "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_content(std::string(asset.body), std::string(asset.content_type));
    });
  }
  srv->Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  srv->Post("/api/v1/login", [&](const httplib::Request& req, httplib::Response& res) { access.login(req, res); });
  srv->Post("/api/v1/logout", [&](const httplib::Request& req, httplib::Response& res) { access.logout(req, res); });
  srv->Get("/api/v1/me", [&](const httplib::Request& req, httplib::Response& res) {
    auto c = authorize(req, res, Role::read);
    if (!c) return;
    reply(res, 200, {{"user", c->user.empty() ? c->actor : c->user}, {"role", role_name(c->role)}});
  });
  srv->Get("/api/v1/drives", [&](const httplib::Request& req, httplib::Response& res) {
    if (!authorize(req, res, Role::read)) return;
    auto list = bays.drives_json();
    if (!list) return reply(res, 500, {{"reason", list.error().context}});
    reply(res, 200, {{"drives", *list}});
  });
  srv->Get("/api/v1/bays", [&](const httplib::Request& req, httplib::Response& res) {
    if (!authorize(req, res, Role::read)) return;
    reply(res, 200, {{"bays", bays.bays_json()}});
  });
  srv->Get("/api/v1/events", [&](const httplib::Request& req, httplib::Response& res) {
    if (!authorize(req, res, Role::read)) return;
    std::uint64_t after = events.last_seq();
    if (std::string last = req.get_header_value("Last-Event-ID"); !last.empty() && last.size() < 20 &&
                                                                  last.find_first_not_of("0123456789") == std::string::npos)
      after = std::stoull(last);
    auto cursor = std::make_shared<std::uint64_t>(after);
    res.set_header("Cache-Control", "no-store");
    res.set_chunked_content_provider("text/event-stream", [&events, &stop, cursor](std::size_t, httplib::DataSink& sink) {
      if (stop.load() || events.closed()) return false;
      bool gap = false;
      auto batch = events.wait_after(*cursor, 15000, gap);
      std::string out;
      if (gap) out += fmt::format("event: reload\ndata: {{}}\n\n");
      for (const auto& e : batch) {
        out += fmt::format("id: {}\nevent: {}\ndata: {}\n\n", e.seq, e.type, e.data.dump());
        *cursor = e.seq;
      }
      if (out.empty()) out = ": keep-alive\n\n";  // also tells us when the client has gone
      return sink.write(out.data(), out.size());
    });
  });
  srv->Post("/api/v1/jobs", [&](const httplib::Request& req, httplib::Response& res) {
    auto c = authorize(req, res, Role::operator_);
    if (!c) return;
    auto b = json::parse(req.body, nullptr, false);
    if (!b.is_object()) return reply(res, 400, {{"reason", "expected a JSON object"}});
    // Every field a string, or absent: {"device": 1} is a bad request, not a server error.
    for (const char* key : {"device", "level", "method", "confirm", "operator"})
      if (b.contains(key) && !b[key].is_string())
        return reply(res, 400, {{"reason", std::string(key) + " must be a string"}});
    JobRequest r;
    r.device = b.value("device", "");
    r.level = b.value("level", "");
    r.method = b.value("method", "");
    r.confirm = b.value("confirm", "");
    // A person signed in answers for the wipe; a token must name who does.
    r.operator_name = b.value("operator", c->user);
    auto id = jobs.start(r, c->actor);
    if (!id) return reply(res, id.error().kind == ErrorKind::refused ? 409 : 400, {{"reason", id.error().context}});
    reply(res, 201, {{"id", *id}});
  });
  srv->Get("/api/v1/jobs", [&](const httplib::Request& req, httplib::Response& res) {
    if (!authorize(req, res, Role::read)) return;
    reply(res, 200, {{"jobs", jobs.list()}});
  });
  srv->Get(R"(/api/v1/jobs/([0-9a-f-]{36}))", [&](const httplib::Request& req, httplib::Response& res) {
    if (!authorize(req, res, Role::read)) return;
    auto j = jobs.get(req.matches[1]);
    if (!j) return reply(res, 404, {{"reason", "no such job"}});
    reply(res, 200, *j);
  });
  srv->Delete(R"(/api/v1/jobs/([0-9a-f-]{36}))", [&](const httplib::Request& req, httplib::Response& res) {
    auto c = authorize(req, res, Role::operator_);
    if (!c) return;
    auto a = jobs.abort(req.matches[1], c->actor);
    if (!a) return reply(res, a.error().kind == ErrorKind::usage ? 404 : 409, {{"reason", a.error().context}});
    reply(res, 202, {{"aborting", std::string(req.matches[1])}});
  });
  srv->Post(R"(/api/v1/jobs/([0-9a-f-]{36})/restart)", [&](const httplib::Request& req, httplib::Response& res) {
    auto c = authorize(req, res, Role::operator_);
    if (!c) return;
    auto id = jobs.restart(req.matches[1], c->actor);
    if (!id) return reply(res, id.error().kind == ErrorKind::usage ? 404 : 409, {{"reason", id.error().context}});
    reply(res, 201, {{"id", *id}, {"restart_of", std::string(req.matches[1])}});
  });
  srv->Post("/api/v1/certificates", [&](const httplib::Request& req, httplib::Response& res) {
    IngestVerdict v = ingest_certificate(reg, req.body, o.trusted_ca, "ingest");
    (void)reg.audit(req.remote_addr, "ingest", fmt::format("{} {} {}", v.http_status, v.id, v.reason));
    json body = {{"id", v.id}};
    if (v.http_status == 409) body["duplicate"] = true;
    if (!v.reason.empty()) body["reason"] = v.reason;
    reply(res, v.http_status, body);
  });
  srv->Get("/api/v1/certificates", [&](const httplib::Request& req, httplib::Response& res) {
    if (!authorize(req, res, Role::read)) return;
    auto rows = reg.find_certificates(filter_of(req));
    if (!rows) return reply(res, 500, {{"reason", rows.error().context}});
    json list = json::array();
    for (const auto& r : *rows) list.push_back(row_json(r));
    reply(res, 200, {{"certificates", list}, {"count", list.size()}});
  });
  srv->Get(R"(/api/v1/certificates/([0-9a-f-]{36})\.(json|p7s|pdf))", [&](const httplib::Request& req, httplib::Response& res) {
    if (!authorize(req, res, Role::read)) return;
    auto row = reg.get_certificate(req.matches[1]);
    if (!row) return reply(res, 500, {{"reason", row.error().context}});
    if (!*row) return reply(res, 404, {{"reason", "no such certificate"}});
    std::string ext = req.matches[2];
    const std::string& data = ext == "json" ? (*row)->json : ext == "p7s" ? (*row)->p7s : (*row)->pdf;
    if (data.empty()) return reply(res, 404, {{"reason", "no " + ext + " for this certificate"}});
    res.set_content(data, ext == "json" ? "application/json" : ext == "p7s" ? "application/pkcs7-signature" : "application/pdf");
  });
  srv->Get("/api/v1/export.csv", [&](const httplib::Request& req, httplib::Response& res) {
    if (!authorize(req, res, Role::read)) return;
    auto f = filter_of(req);
    f.limit = 1000000;
    auto rows = reg.find_certificates(f);
    if (!rows) return reply(res, 500, {{"reason", rows.error().context}});
    std::string csv = "id,serial,model,result,level,method,operator,organisation,issued_at,sha256\r\n";
    for (const auto& r : *rows)
      for (const std::string* v : {&r.id, &r.serial, &r.model, &r.result, &r.level, &r.method, &r.operator_name,
                                   &r.organisation, &r.issued_at, &r.sha256})
        csv += csv_field(*v) + (v == &r.sha256 ? "\r\n" : ",");
    res.set_header("Content-Disposition", "attachment; filename=\"certificates.csv\"");
    res.set_content(csv, "text/csv");
  });
  srv->Get("/api/v1/export.json", [&](const httplib::Request& req, httplib::Response& res) {
    if (!authorize(req, res, Role::read)) return;
    auto f = filter_of(req);
    f.limit = 1000000;
    auto rows = reg.find_certificates(f);
    if (!rows) return reply(res, 500, {{"reason", rows.error().context}});
    json list = json::array();
    for (const auto& r : *rows) list.push_back(row_json(r));
    res.set_header("Content-Disposition", "attachment; filename=\"certificates.json\"");
    reply(res, 200, {{"certificates", list}, {"count", list.size()}});
  });
  // Chain of custody (issue 8): drives awaiting destruction, open chains, one drive's chain,
  // a batch hand-over to a contractor and its manifest.
  srv->Get("/api/v1/custody", [&](const httplib::Request& req, httplib::Response& res) {
    if (!authorize(req, res, Role::read)) return;
    std::string state = req.get_param_value("state");
    if (!state.empty() && state != "awaiting_destruction" && state != "open" && state != "all")
      return reply(res, 400, {{"reason", "state must be awaiting_destruction, open or all"}});
    auto o = custody_overview(reg, state == "all" ? "" : state);
    if (!o) return reply(res, 500, {{"reason", o.error().context}});
    reply(res, 200, *o);
  });
  srv->Get(R"(/api/v1/custody/(WPC-[0-9A-F]{10}))", [&](const httplib::Request& req, httplib::Response& res) {
    if (!authorize(req, res, Role::read)) return;
    auto d = custody_of(reg, req.matches[1]);
    if (!d) return reply(res, 404, {{"reason", d.error().context}});
    auto events = reg.custody_events(d->custody_id);
    if (!events) return reply(res, 500, {{"reason", events.error().context}});
    reply(res, 200, custody_json(*d, *events));
  });
  srv->Post("/api/v1/custody/handover", [&](const httplib::Request& req, httplib::Response& res) {
    auto c = authorize(req, res, Role::operator_);
    if (!c) return;
    auto b = json::parse(req.body, nullptr, false);
    if (!b.is_object() || !b["drives"].is_array()) return reply(res, 400, {{"reason", "expected {\"contractor\", \"drives\": [ids]}"}});
    std::vector<std::string> ids;
    for (const auto& d : b["drives"])
      if (d.is_string()) ids.push_back(d.get<std::string>());
    auto h = hand_over(reg, ids, b.value("contractor", ""), c->user.empty() ? c->actor : c->user);
    if (!h) return reply(res, h.error().kind == ErrorKind::refused ? 409 : 400, {{"reason", h.error().context}});
    (void)reg.audit(c->actor, "custody", fmt::format("batch {}: {} drive(s) handed over to {}", h->batch, h->drives.size(),
                                                     b.value("contractor", "")));
    reply(res, 201, {{"batch", h->batch}, {"drives", h->drives.size()},
                     {"manifest", "/api/v1/custody/batches/" + h->batch + ".pdf"}});
  });
  srv->Get(R"(/api/v1/custody/batches/(WPB-[0-9A-F]{10})\.pdf)", [&](const httplib::Request& req, httplib::Response& res) {
    if (!authorize(req, res, Role::read)) return;
    std::string tmp = (fs::path(o.data_dir) / ("manifest-" + std::string(req.matches[1]) + ".pdf")).string();
    auto r = render_batch_manifest(reg, req.matches[1], tmp);
    if (!r) return reply(res, r.error().kind == ErrorKind::usage ? 404 : 500, {{"reason", r.error().context}});
    auto pdf = read_file_bytes(tmp);
    std::error_code ec;
    fs::remove(tmp, ec);
    if (!pdf) return reply(res, 500, {{"reason", pdf.error().context}});
    res.set_content(*pdf, "application/pdf");
  });
  srv->Get("/api/v1/audit", [&](const httplib::Request& req, httplib::Response& res) {
    if (!authorize(req, res, Role::admin)) return;
    auto lines = reg.audit_lines(1000);
    if (!lines) return reply(res, 500, {{"reason", lines.error().context}});
    reply(res, 200, {{"audit", *lines}});
  });
  int port = o.port;
  if (port == 0) port = srv->bind_to_any_port(o.host.c_str());
  else if (!srv->bind_to_port(o.host.c_str(), port)) port = -1;
  if (port <= 0) return make_error(ErrorKind::sys, fmt::format("cannot listen on {}:{}", o.host, o.port), EADDRINUSE);
  // Tests and scripts learn the port (also when --listen HOST:0 let the kernel choose).
  WP_RETURN_IF_ERROR(write_file_atomic((fs::path(o.data_dir) / "port").string(), std::to_string(port) + "\n"));
  std::thread stopper([&] {
    while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    events.close();  // event streams end, so their workers are free for stop()
    srv->stop();
  });
  (void)reg.audit("station", "start", fmt::format("listening on {}:{} ({}), {} bay(s)", o.host, port,
                                                  o.tls ? "https" : "http", o.bays.size()));
  bool ok = srv->listen_after_bind();
  stop = true;
  stopper.join();
  jobs.shutdown();  // running wipes stop and are recorded before the station says it stopped
  (void)reg.audit("station", "stop", "graceful shutdown");
  if (!ok) return make_error(ErrorKind::sys, "the server stopped unexpectedly");
  return {};
}

}  // namespace wipeproof::station
