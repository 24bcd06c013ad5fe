// `kubectl exec (POD | pod/NAME) [-c CONTAINER] [-i] [-t] [-q] -- COMMAND [ARG...]`: GET the
// pod (kubectl's completed-pod check, its default container and notice), then the exec
// subresource as a WebSocket (websocket.h) carrying standard input, output and error. The
// command's exit code becomes ours, with kubectl's `command terminated with exit code N`.
// -t with -i and a terminal puts it in raw mode (restored on the way out) and sends its
// size; without a terminal kubectl's warning is printed and the command runs without one.
// Other TYPE/NAME forms and -f go to another kubectl.

#include "../json_fields.h"
#include "../pods.h"
#include "../websocket.h"
#include "kscratch/apimachinery/object.h"
#include "verbs.h"
#include "wait_duration.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <fstream>
#include <iterator>
#include <thread>

namespace kscratch::kubectl {

namespace json = boost::json;

namespace {

// The pod's name in `exec POD` and `exec pod/NAME`; nothing for other kinds.
std::optional<std::string> pod_name_of(const std::string& word) {
  auto slash = word.find('/');
  if (slash == std::string::npos) return word;
  auto type = word.substr(0, slash);
  if (type == "pod" || type == "pods" || type == "po" || type == "pods." || type == "pod." || type == "pods.v1" ||
      type == "pod.v1" || type == "po.v1")
    return word.substr(slash + 1);
  return std::nullopt;
}

int phase_rank(const std::string& phase) {
  if (phase == "Running") return 2;
  if (phase == "Unknown") return 1;
  return 0;  // Pending
}

// sort.Reverse(podutils.ActivePods): assigned, running, ready pods first, then older ones.
bool more_active(const json::object& a, const json::object& b) {
  bool na = !str(sub(a, "spec"), "nodeName").empty(), nb = !str(sub(b, "spec"), "nodeName").empty();
  if (na != nb) return na;
  int pa = phase_rank(str(sub(a, "status"), "phase")), pb = phase_rank(str(sub(b, "status"), "phase"));
  if (pa != pb) return pa > pb;
  bool ra = pod_ready(a), rb = pod_ready(b);
  if (ra != rb) return ra;
  return str(apimachinery::object::metadata_of(a), "creationTimestamp") <
         str(apimachinery::object::metadata_of(b), "creationTimestamp");
}

// client-go's errorDecoderV4: nothing for Success, the exit code for NonZeroExitCode, else a message.
struct Outcome {
  int exit_code = 0;
  std::string message;
};

Outcome decode_status(const std::string& text) {
  if (text.empty()) return {};
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object())
    return {kFailure, fmt::format("error: error stream protocol error: {} in \"{}\"", ec ? ec.message() : "not an object", text)};
  auto& status = v.get_object();
  std::string state = str(status, "status");
  if (state == "Success") return {};
  if (state != "Failure") return {kFailure, "error: error stream protocol error: unknown error"};
  if (str(status, "reason") == "NonZeroExitCode") {
    auto* details = status.if_contains("details");
    if (!details || !details->is_object()) return {kFailure, "error: error stream protocol error: details must be set"};
    auto* causes = details->get_object().if_contains("causes");
    if (causes && causes->is_array())
      for (auto& c : causes->get_array()) {
        if (!c.is_object() || str(c.get_object(), "reason") != "ExitCode") continue;
        std::string m = str(c.get_object(), "message");
        unsigned code = 0;
        auto [end, err] = std::from_chars(m.data(), m.data() + m.size(), code);
        if (err != std::errc() || end != m.data() + m.size() || code > 255)
          return {kFailure, fmt::format("error: error stream protocol error: invalid exit code value \"{}\"", m)};
        return {static_cast<int>(code), fmt::format("command terminated with exit code {}", code)};
      }
    return {kFailure, "error: error stream protocol error: no ExitCode cause given"};
  }
  std::string message = str(status, "message");
  return {kFailure, message.starts_with("error: ") ? message : "error: " + message};
}

// Standard output's size, as kubectl's TTY.GetSize (nothing when it is not a terminal).
std::optional<std::pair<int, int>> terminal_size() {
  winsize w{};
  if (::isatty(1) && ::ioctl(1, TIOCGWINSZ, &w) == 0) return std::pair<int, int>(w.ws_col, w.ws_row);
  return std::nullopt;
}

// The terminal in raw mode while it lives, as kubectl's term.TTY.Safe.
class RawTerminal {
 public:
  RawTerminal() {
    if (::tcgetattr(0, &saved_) != 0) return;
    termios raw = saved_;
    ::cfmakeraw(&raw);
    active_ = ::tcsetattr(0, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) ::tcsetattr(0, TCSANOW, &saved_);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

// How many arguments of this process follow its first `--`; nothing without one. The
// parsed arguments do not keep the dash (cobra's ArgsLenAtDash), the command line does.
std::optional<std::size_t> arguments_after_dash() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> argv;
  std::size_t start = 0;
  while (start < all.size()) {
    auto end = all.find('\0', start);
    if (end == std::string::npos) end = all.size();
    argv.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  for (std::size_t i = 1; i < argv.size(); ++i)
    if (argv[i] == "--") return argv.size() - i - 1;
  return std::nullopt;
}

int run_exec(Command& c) {
  auto& args = c.args.positional;
  // kubectl tells `exec POD -- CMD` from the removed `exec POD CMD` by where the dash was.
  auto dash = arguments_after_dash();
  std::size_t dash_at = dash ? args.size() - std::min(args.size(), *dash) : args.size();
  if (!dash && args.size() > 1) {
    fmt::print(stderr,
               "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl "
               "exec -h' for help and examples\n");
    return kFailure;
  }
  if (args.empty() || dash_at == 0) return fail("pod, type/name or --filename must be specified");
  std::vector<std::string> command(args.begin() + 1, args.end());
  if (command.empty()) return fail("you must specify at least one command for the container");
  bool quiet = c.args.flag("quiet");
  std::string ns = c.ns();
  std::chrono::nanoseconds running_timeout = std::chrono::minutes(1);
  if (c.args.has("pod-running-timeout")) {
    auto d = parse_go_duration(c.args.get("pod-running-timeout"));
    if (!d) {
      fmt::print(stderr,
                 "Error: invalid argument \"{0}\" for \"--pod-running-timeout\" flag: time: invalid duration \"{0}\"\n"
                 "See 'kubectl exec --help' for usage.\n",
                 c.args.get("pod-running-timeout"));
      return kFailure;
    }
    running_timeout = *d;
  }
  client::Kind pods{"", "v1", "pods", true};
  auto get_or_fail = [&](const std::string& path, bool namespaced, json::object& out) -> std::optional<int> {
    auto r = c.rest->get(path);
    if (r.status == 404 && namespaced) {
      // The resource builder's check: a missing namespace is reported rather than the object.
      client::Kind namespaces{"", "v1", "namespaces", false};
      auto n = c.rest->get(namespaces.path({}, ns));
      if (n.status == 404) return fail(error_message(n, c.rest->server()));
    }
    if (!is_success(r)) return fail(error_message(r, c.rest->server()));
    boost::system::error_code ec;
    auto parsed = json::parse(r.body, ec);
    if (ec || !parsed.is_object()) return fail("the server returned an unreadable object");
    out = std::move(parsed.get_object());
    return std::nullopt;
  };
  json::object pod;
  if (auto name = pod_name_of(args[0])) {
    if (auto failed = get_or_fail(pods.path(ns, *name), true, pod)) return *failed;
  } else {
    // TYPE/NAME: a pod of the object's selector, the most active one (kubectl's
    // AttachablePodForObject), waiting up to --pod-running-timeout for one to exist.
    auto targets = resolve_targets({args[0]}, *c.discovery);
    if (!targets) return fail(targets.error().message);
    auto& t = targets->front();
    json::object obj;
    if (auto failed = get_or_fail(t.resource.rest_kind().path(t.resource.namespaced ? ns : "", t.names.front()),
                                  t.resource.namespaced, obj))
      return *failed;
    auto& spec = sub(obj, "spec");
    std::string selector;
    static const std::vector<std::string> with_label_selector{"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"};
    if (t.resource.kind == "Service" || t.resource.kind == "ReplicationController") {
      selector = set_selector(sub(spec, "selector"));
    } else if (std::find(with_label_selector.begin(), with_label_selector.end(), t.resource.kind) !=
               with_label_selector.end()) {
      selector = label_selector(sub(spec, "selector"));
    } else if (t.resource.kind == "Pod") {
      pod = std::move(obj);
    } else {
      return fail(fmt::format("cannot attach to *{}.{}: selector for *{}.{} not implemented", t.resource.version,
                              t.resource.kind, t.resource.version, t.resource.kind));
    }
    if (t.resource.kind != "Pod") {
      auto deadline = std::chrono::steady_clock::now() + running_timeout;
      for (;;) {
        auto list = c.rest->get(with_query(pods.path(ns), {{"labelSelector", selector}}));
        if (!is_success(list)) return fail(error_message(list, c.rest->server()));
        boost::system::error_code lec;
        auto l = json::parse(list.body, lec);
        std::vector<json::object> found;
        if (!lec && l.is_object())
          if (auto* items = l.get_object().if_contains("items"); items && items->is_array())
            for (auto& i : items->get_array())
              if (i.is_object()) found.push_back(i.get_object());
        if (!found.empty()) {
          std::stable_sort(found.begin(), found.end(), more_active);
          pod = std::move(found.front());
          break;
        }
        if (std::chrono::steady_clock::now() >= deadline) return fail("timed out waiting for the condition");
        std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(std::chrono::seconds(1),
                                                                       deadline - std::chrono::steady_clock::now()));
      }
    }
  }
  std::string name = apimachinery::object::name_of(pod);
  std::string phase = str(sub(pod, "status"), "phase");
  if (phase == "Succeeded" || phase == "Failed")
    return fail("cannot exec into a container in a completed pod; current phase is " + phase);
  std::string container = c.args.get("container");
  if (container.empty()) {
    auto containers = container_names(pod, "containers", "");
    if (containers.empty())
      return fail(fmt::format("pod {}/{} does not have any containers", ns, name));
    std::string annotated = str(sub(apimachinery::object::metadata_of(pod), "annotations"),
                                "kubectl.kubernetes.io/default-container");
    if (!annotated.empty() && std::find(containers.begin(), containers.end(), annotated) != containers.end()) {
      container = annotated;
    } else {
      container = containers.front();
      auto ephemeral = container_names(pod, "ephemeralContainers", " (ephem)");
      auto init = container_names(pod, "initContainers", " (init)");
      if (!quiet && (containers.size() > 1 || !init.empty() || !ephemeral.empty())) {
        std::string all;
        for (auto* list : {&containers, &ephemeral, &init})
          for (auto& n : *list) all += (all.empty() ? "" : ", ") + n;
        fmt::print(stderr, "Defaulted container \"{}\" out of: {}\n", container, all);
      }
    }
  }
  bool want_stdin = c.args.flag("stdin");
  bool tty = want_stdin && c.args.flag("tty");
  if (tty && !::isatty(0)) {
    tty = false;
    if (!quiet) fmt::print(stderr, "Unable to use a TTY - input is not a terminal or the right kind of file\n");
  }
  std::vector<std::pair<std::string, std::string>> query;
  for (auto& word : command) query.emplace_back("command", word);
  query.emplace_back("container", container);
  query.emplace_back("stderr", tty ? "" : "true");
  query.emplace_back("stdin", want_stdin ? "true" : "");
  query.emplace_back("stdout", "true");
  query.emplace_back("tty", tty ? "true" : "");
  ExecStreamOptions options;
  options.target = with_query(pods.path(ns, str(apimachinery::object::metadata_of(pod), "name")) + "/exec", query);
  options.stdin = want_stdin;
  options.tty = tty;
  if (tty) options.terminal_size = terminal_size;
  ::signal(SIGPIPE, SIG_IGN);
  ExecStreamResult result;
  {
    std::optional<RawTerminal> raw;
    if (tty) raw.emplace();
    result = run_exec_stream(c.config.connection, options);
  }
  if (result.status != 101) {
    client::HttpResponse response{result.status, result.body};
    return fail(error_message(response, c.rest->server()));
  }
  auto outcome = decode_status(result.error);
  if (!outcome.message.empty()) fmt::print(stderr, "{}\n", outcome.message);
  return outcome.exit_code;
}

bool exec_handles(const ParsedArgs& args) { return !args.has("filename"); }

}  // namespace

std::vector<Verb> exec_verbs() {
  return {{"exec",
           {{"container", 'c'},
            {"stdin", 'i', false},
            {"tty", 't', false},
            {"quiet", 'q', false},
            {"filename", 'f'},
            {"pod-running-timeout"}},
           run_exec,
           exec_handles}};
}

}  // namespace kscratch::kubectl
