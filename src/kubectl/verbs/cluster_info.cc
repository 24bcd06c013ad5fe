// `kubectl cluster-info`: the control plane's address, then each Service of kube-system
// (or -n) labelled kubernetes.io/cluster-service=true, with its proxy URL. Names are green
// and URLs yellow only on a terminal, as kubectl's ct package colours them.

#include "../json_fields.h"
#include "kscratch/apimachinery/object.h"
#include "verbs.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <unistd.h>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

void print_service(bool color, const std::string& name, const std::string& link) {
  if (color) {
    fmt::print("\x1b[0;32m{}\x1b[0m is running at \x1b[0;33m{}\x1b[0m\n", name, link);
  } else {
    fmt::print("{} is running at {}\n", name, link);
  }
}

int run_cluster_info(Command& c) {

  std::string ns = c.config.namespace_explicit ? c.ns() : "kube-system";
  auto target = with_query(client::Kind{"", "v1", "services", true}.path(ns),
                           {{"labelSelector", "kubernetes.io/cluster-service=true"}});
  auto response = c.rest->get(target);
  if (!is_success(response)) return fail(error_message(response, c.rest->server()));
  boost::system::error_code ec;
  auto v = json::parse(response.body, ec);
  if (ec || !v.is_object()) return fail("the server returned an unreadable list");
  bool color = ::isatty(STDOUT_FILENO);
  std::string host = c.rest->server();
  print_service(color, "Kubernetes control plane", host);
  if (auto* items = v.get_object().if_contains("items"); items && items->is_array()) {
    for (auto& item : items->get_array()) {
      if (!item.is_object()) continue;
      auto& svc = item.get_object();
      auto& meta = apimachinery::object::metadata_of(svc);
      std::string svc_name = str(meta, "name");
      const json::object empty;
      auto* spec_v = svc.if_contains("spec");
      auto& spec = spec_v && spec_v->is_object() ? spec_v->get_object() : empty;
      auto* ports = spec.if_contains("ports");
      std::string link;
      const json::array* ingress = nullptr;
      if (auto* st = svc.if_contains("status"); st && st->is_object())
        if (auto* lb = st->get_object().if_contains("loadBalancer"); lb && lb->is_object())
          if (auto* in = lb->get_object().if_contains("ingress"); in && in->is_array() && !in->get_array().empty())
            ingress = &in->get_array();
      if (ingress) {
        auto& first = ingress->front();
        std::string ip = first.is_object() ? str(first.get_object(), "ip") : "";
        if (ip.empty() && first.is_object()) ip = str(first.get_object(), "hostname");
        if (ports && ports->is_array())
          for (auto& p : ports->get_array())
            if (p.is_object()) {
              auto* port = p.get_object().if_contains("port");
              link += "http://" + ip + ":" + std::to_string(port && port->is_int64() ? port->get_int64() : 0) + " ";
            }
      } else {
        std::string name = svc_name;
        if (ports && ports->is_array() && !ports->get_array().empty() && ports->get_array()[0].is_object()) {
          auto& port = ports->get_array()[0].get_object();
          std::string port_name = str(port, "name");
          auto* number = port.if_contains("port");
          std::string scheme = (port_name == "https" || (number && number->is_int64() && number->get_int64() == 443)) ? "https" : "";
          // JoinSchemeNamePort: <scheme>:<name>:<port name>, empty parts left out at the ends.
          if (!scheme.empty()) {
            name = scheme + ":" + svc_name + ":" + port_name;
          } else if (!port_name.empty()) {
            name = svc_name + ":" + port_name;
          }
        }
        link = host + "/api/v1/namespaces/" + str(meta, "namespace") + "/services/" + name + "/proxy";
      }
      std::string shown = svc_name;
      if (auto* labels = meta.if_contains("labels"); labels && labels->is_object())
        if (auto l = str(labels->get_object(), "kubernetes.io/name"); !l.empty()) shown = l;
      print_service(color, shown, link);
    }
  }
  fmt::print("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
  return 0;
}

// `cluster-info dump` is left to another kubectl.
bool cluster_info_handles(const ParsedArgs& args) { return args.positional.empty(); }

}  // namespace

std::vector<Verb> cluster_info_verbs() { return {{"cluster-info", {}, run_cluster_info, cluster_info_handles}}; }

}  // namespace kscratch::kubectl
