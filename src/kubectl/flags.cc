// pflag's parsing rules, as far as kubectl's verbs use them.

#include "flags.h"

namespace kscratch::kubectl {

namespace {

const FlagSpec* find_long(const std::vector<FlagSpec>& a, const std::vector<FlagSpec>& b, const std::string& name) {
  for (auto* list : {&a, &b})
    for (auto& f : *list)
      if (f.name == name) return &f;
  return nullptr;
}

const FlagSpec* find_short(const std::vector<FlagSpec>& a, const std::vector<FlagSpec>& b, char c) {
  for (auto* list : {&a, &b})
    for (auto& f : *list)
      if (f.shorthand == c) return &f;
  return nullptr;
}

}  // namespace

const std::vector<FlagSpec>& global_flags() {
  static const std::vector<FlagSpec> flags{
      {"kubeconfig"},
      {"context"},
      {"cluster"},
      {"user"},
      {"namespace", 'n'},
      {"server", 's'},
      {"token"},
      {"insecure-skip-tls-verify", 0, false},
      {"certificate-authority"},
      {"client-certificate"},
      {"client-key"},
      {"cache-dir"},
      {"request-timeout"},
      {"v", 'v'},
      {"help", 'h', false},
  };
  return flags;
}

std::string ParsedArgs::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> ParsedArgs::all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

bool ParsedArgs::flag(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return false;
  const auto& v = it->second.back();
  return v.empty() || v == "true" || v == "1" || v == "t" || v == "T" || v == "TRUE" || v == "True";
}

std::optional<std::string> find_verb(const std::vector<std::string>& args) {
  static const std::vector<FlagSpec> none;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--") return i + 1 < args.size() ? std::optional(args[i + 1]) : std::nullopt;
    if (a.size() < 2 || a[0] != '-') return a;
    const FlagSpec* spec = nullptr;
    bool inline_value = a.find('=') != std::string::npos;
    if (a[1] == '-') {
      spec = find_long(global_flags(), none, a.substr(2, a.find('=') - 2));
    } else {
      spec = find_short(global_flags(), none, a[1]);
      inline_value = inline_value || a.size() > 2;
    }
    if (spec && spec->takes_value && !inline_value) ++i;
  }
  return std::nullopt;
}

std::variant<ParsedArgs, ParseError> parse_args(const std::vector<std::string>& args,
                                                const std::vector<FlagSpec>& verb_flags) {
  ParsedArgs out;
  bool verb_seen = false;
  auto positional = [&](const std::string& a) {
    if (!verb_seen) {
      verb_seen = true;
      return;
    }
    out.positional.push_back(a);
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--") {
      for (++i; i < args.size(); ++i) positional(args[i]);
      break;
    }
    if (a.size() < 2 || a[0] != '-') {
      positional(a);
      continue;
    }
    if (a[1] == '-') {
      auto eq = a.find('=');
      std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      const FlagSpec* spec = find_long(global_flags(), verb_flags, name);
      if (!spec) return ParseError{"unknown flag: --" + name, true};
      if (eq != std::string::npos) {
        out.add(spec->name, a.substr(eq + 1));
      } else if (!spec->takes_value) {
        out.add(spec->name, "");
      } else if (i + 1 < args.size()) {
        out.add(spec->name, args[++i]);
      } else {
        return ParseError{"flag needs an argument: --" + name};
      }
      continue;
    }
    // Shorthands as pflag reads them: booleans may be combined (-it), the first one that
    // takes a value takes the rest of the word (-n=x, -nx) or the next argument.
    for (size_t j = 1; j < a.size(); ++j) {
      const FlagSpec* spec = find_short(global_flags(), verb_flags, a[j]);
      if (!spec) return ParseError{std::string("unknown shorthand flag: '") + a[j] + "' in " + a, true};
      if (!spec->takes_value) {
        if (j + 1 < a.size() && a[j + 1] == '=') {
          out.add(spec->name, a.substr(j + 2));
          break;
        }
        out.add(spec->name, "");
        continue;
      }
      if (j + 1 < a.size()) {
        out.add(spec->name, a.substr(a[j + 1] == '=' ? j + 2 : j + 1));
      } else if (i + 1 < args.size()) {
        out.add(spec->name, args[++i]);
      } else {
        return ParseError{std::string("flag needs an argument: '") + a[j] + "' in " + a};
      }
      break;
    }
  }
  return out;
}

}  // namespace kscratch::kubectl
