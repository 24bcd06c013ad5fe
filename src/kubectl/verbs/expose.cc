// `kubectl expose TYPE NAME | TYPE/NAME [--port] [--target-port] [--name] [--type]
// [--protocol]`: a Service selecting what a Deployment, ReplicaSet, ReplicationController,
// Pod or Service selects, labelled as the object is, its ports from --port or the pod
// template's container ports; `service/x exposed`.

#include "../apply/apply.h"
#include "../printers/objects.h"
#include "kscratch/apimachinery/object.h"
#include "../json_fields.h"
#include "verbs.h"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
}

int run_expose(Command& c) {
  auto strategy = apply::dry_run_strategy(c.args);
  if (!strategy) return fail(strategy.error().message);
  std::string dry_run = *strategy;
  bool typed = dry_run == "client";
  std::optional<ObjectPrinter> printer;
  if (c.args.has("output")) {
    auto p = ObjectPrinter::make(c.args.get("output"), false);
    if (!p) return fail(p.error().message);
    printer = std::move(*p);
  }
  if (c.args.positional.empty())
    return fail("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
  auto targets = resolve_targets(c.args.positional, *c.discovery);
  if (!targets) return fail(targets.error().message);
  if (targets->size() != 1 || targets->front().names.size() != 1)
    return fail("resource(s) were provided, but no name was specified");
  auto& t = targets->front();
  std::string ns = t.resource.namespaced ? c.ns() : "";
  auto response = c.rest->get(t.resource.rest_kind().path(ns, t.names.front()));
  if (!is_success(response)) return fail(error_message(response, c.rest->server()));
  boost::system::error_code ec;
  auto v = json::parse(response.body, ec);
  if (ec || !v.is_object()) return fail("the server returned an unreadable object");
  auto& obj = v.get_object();
  auto& meta = apimachinery::object::metadata_of(obj);
  auto& spec = sub(obj, "spec");
  const std::string& kind = t.resource.kind;
  json::object selector;
  const json::object* pod_spec = nullptr;
  if (kind == "Deployment" || kind == "ReplicaSet") {
    selector = sub(sub(spec, "selector"), "matchLabels");
    pod_spec = &sub(sub(spec, "template"), "spec");
  } else if (kind == "ReplicationController") {
    selector = sub(spec, "selector");
    pod_spec = &sub(sub(spec, "template"), "spec");
  } else if (kind == "Service") {
    selector = sub(spec, "selector");
  } else if (kind == "Pod") {
    selector = sub(meta, "labels");
    pod_spec = &spec;
  } else {
    return fail("cannot expose a " + kind);
  }
  json::array ports;
  std::string protocol = c.args.get("protocol", "TCP");
  std::string target_port = c.args.get("target-port");
  auto target_value = [&](int64_t port) -> json::value {
    if (target_port.empty()) return port;
    if (all_digits(target_port)) return std::stoll(target_port);
    return json::value(target_port);
  };
  if (c.args.has("port")) {
    int64_t port = std::stoll(c.args.get("port"));
    ports.push_back(json::object{{"port", port}, {"protocol", protocol}, {"targetPort", target_value(port)}});
  } else {
    std::vector<json::object> found;
    if (kind == "Service") {
      if (auto* sp = spec.if_contains("ports"); sp && sp->is_array())
        for (auto& p : sp->get_array())
          if (p.is_object()) found.push_back(p.get_object());
    } else if (pod_spec) {
      if (auto* cs = pod_spec->if_contains("containers"); cs && cs->is_array())
        for (auto& ct : cs->get_array())
          if (ct.is_object())
            if (auto* cp = ct.get_object().if_contains("ports"); cp && cp->is_array())
              for (auto& p : cp->get_array())
                if (p.is_object()) found.push_back(p.get_object());
    }
    if (found.empty()) return fail("couldn't find port via --port flag or introspection");
    for (size_t i = 0; i < found.size(); ++i) {
      auto* pv = found[i].if_contains(kind == "Service" ? "port" : "containerPort");
      int64_t port = pv && pv->is_int64() ? pv->get_int64() : 0;
      json::object p;
      if (found.size() > 1) p["name"] = "port-" + std::to_string(i + 1);
      p["port"] = port;
      auto* proto = found[i].if_contains("protocol");
      p["protocol"] = c.args.has("protocol") || !proto || !proto->is_string() ? json::value(protocol) : *proto;
      p["targetPort"] = target_value(port);
      ports.push_back(std::move(p));
    }
  }
  std::string name = c.args.get("name", apimachinery::object::name_of(obj));
  json::object svc_meta{{"name", name}};
  if (typed) svc_meta["creationTimestamp"] = nullptr;
  if (auto& labels = sub(meta, "labels"); !labels.empty()) svc_meta["labels"] = labels;
  if (c.config.namespace_explicit) svc_meta["namespace"] = c.ns();
  json::object svc_spec{{"ports", std::move(ports)}, {"selector", std::move(selector)}};
  if (c.args.has("type")) svc_spec["type"] = c.args.get("type");
  json::object svc{{"apiVersion", "v1"},
                   {"kind", "Service"},
                   {"metadata", std::move(svc_meta)},
                   {"spec", std::move(svc_spec)},
                   {"status", json::object{{"loadBalancer", json::object()}}}};
  std::string target = with_query(client::Kind{"", "v1", "services", true}.path(c.ns()),
                                  {{"dryRun", dry_run == "server" ? "All" : ""},
                                   {"fieldManager", c.args.get("field-manager", "kubectl-expose")}});
  return post_new_object(c, target, svc, printer, dry_run, fmt::format("service/{} exposed", name));
}

// -f, --selector, --labels, --external-ip and -o json are left to another kubectl.
bool expose_handles(const ParsedArgs& args) {
  return !args.has("filename") && !args.has("selector") && !args.has("labels") &&
         args.get("output") != "json";
}

}  // namespace

std::vector<Verb> expose_verbs() {
  return {{"expose",
           {{"port"},
            {"target-port"},
            {"name"},
            {"type"},
            {"protocol"},
            {"dry-run", 0, false},
            {"output", 'o'},
            {"field-manager"},
            {"filename", 'f'},
            {"selector"},
            {"labels", 'l'}},
           run_expose,
           expose_handles}};
}

}  // namespace kscratch::kubectl
