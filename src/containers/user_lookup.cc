#include "user_lookup.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

namespace kscratch::containers {

namespace {

struct PasswdEntry {
  std::string name;
  std::uint32_t uid = 0, gid = 0;
};
struct GroupEntry {
  std::string name;
  std::uint32_t gid = 0;
  std::vector<std::string> members;
};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    auto pos = s.find(sep);
    out.push_back(s.substr(0, pos));
    if (pos == std::string_view::npos) return out;
    s.remove_prefix(pos + 1);
  }
}

std::optional<std::uint32_t> parse_id(std::string_view s) {
  std::uint32_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Lines of name:password:uid:gid:gecos:home:shell; comments and malformed lines are skipped
// as libc skips them.
std::vector<PasswdEntry> parse_passwd(std::string_view text) {
  std::vector<PasswdEntry> out;
  for (auto line : split(text, '\n')) {
    if (line.empty() || line.front() == '#') continue;
    auto f = split(line, ':');
    if (f.size() < 4) continue;
    auto uid = parse_id(f[2]);
    auto gid = parse_id(f[3]);
    if (!uid || !gid) continue;
    out.push_back({std::string(f[0]), *uid, *gid});
  }
  return out;
}

std::vector<GroupEntry> parse_group(std::string_view text) {
  std::vector<GroupEntry> out;
  for (auto line : split(text, '\n')) {
    if (line.empty() || line.front() == '#') continue;
    auto f = split(line, ':');
    if (f.size() < 3) continue;
    auto gid = parse_id(f[2]);
    if (!gid) continue;
    GroupEntry g{std::string(f[0]), *gid, {}};
    if (f.size() >= 4) {
      for (auto m : split(f[3], ',')) {
        if (!m.empty()) g.members.emplace_back(m);
      }
    }
    out.push_back(std::move(g));
  }
  return out;
}

void add_unique(std::vector<std::uint32_t>& v, std::uint32_t x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

}  // namespace

Expected<ResolvedUser> resolve_user(const UserInputs& in, std::string_view passwd_text, std::string_view group_text) {
  auto passwd = parse_passwd(passwd_text);
  auto groups = parse_group(group_text);
  ResolvedUser out;
  std::optional<PasswdEntry> entry;
  std::string group_part;

  if (in.run_as_user) {
    // runAsUser replaces the image's user entirely (its group part included), as in containerd.
    if (*in.run_as_user < 0 || *in.run_as_user > 0xffffffffLL) {
      return make_error(fmt::format("runAsUser {} is out of range", *in.run_as_user));
    }
    out.uid = static_cast<std::uint32_t>(*in.run_as_user);
    for (auto& p : passwd) {
      if (p.uid == out.uid) {
        entry = p;
        break;
      }
    }
  } else if (!in.image_user.empty()) {
    std::string_view spec = in.image_user;
    std::string_view user_part = spec.substr(0, spec.find(':'));
    if (auto colon = spec.find(':'); colon != std::string_view::npos) group_part = std::string(spec.substr(colon + 1));
    if (auto uid = parse_id(user_part)) {
      out.uid = *uid;
      for (auto& p : passwd) {
        if (p.uid == *uid) {
          entry = p;
          break;
        }
      }
    } else {
      for (auto& p : passwd) {
        if (p.name == user_part) {
          entry = p;
          break;
        }
      }
      if (!entry) {
        return make_error(fmt::format("unable to find user {}: no matching entries in passwd file", user_part));
      }
      out.uid = entry->uid;
    }
  } else {
    // No user at all: root, with root's passwd entry when there is one (for its groups).
    for (auto& p : passwd) {
      if (p.uid == 0) {
        entry = p;
        break;
      }
    }
  }

  out.gid = entry ? entry->gid : 0;
  if (!group_part.empty()) {
    if (auto gid = parse_id(group_part)) {
      out.gid = *gid;
    } else {
      auto it = std::find_if(groups.begin(), groups.end(), [&](const GroupEntry& g) { return g.name == group_part; });
      if (it == groups.end()) {
        return make_error(fmt::format("unable to find group {}: no matching entries in group file", group_part));
      }
      out.gid = it->gid;
    }
  }
  if (in.run_as_group) {
    if (*in.run_as_group < 0 || *in.run_as_group > 0xffffffffLL) {
      return make_error(fmt::format("runAsGroup {} is out of range", *in.run_as_group));
    }
    out.gid = static_cast<std::uint32_t>(*in.run_as_group);
  }

  // The groups that list the user as a member, as runc and containerd add them; only when
  // the primary group is the user's own (an explicit group replaces the memberships).
  if (entry && group_part.empty() && !in.run_as_group) {
    for (auto& g : groups) {
      if (std::find(g.members.begin(), g.members.end(), entry->name) != g.members.end() && g.gid != out.gid) {
        add_unique(out.additional_gids, g.gid);
      }
    }
  }
  for (auto g : in.supplemental_groups) {
    if (g < 0 || g > 0xffffffffLL) return make_error(fmt::format("supplemental group {} is out of range", g));
    add_unique(out.additional_gids, static_cast<std::uint32_t>(g));
  }
  return out;
}

std::string read_file_in_root(const std::filesystem::path& root, const std::string& relative) {
  int dir = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return {};
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  int fd = static_cast<int>(::syscall(SYS_openat2, dir, relative.c_str(), &how, sizeof how));
  ::close(dir);
  if (fd < 0) return {};
  std::string out;
  char buf[8192];
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > (16u << 20)) break;  // a passwd file is small; stop at absurd sizes
  }
  ::close(fd);
  return out;
}

}  // namespace kscratch::containers
