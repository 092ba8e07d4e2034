#include "app/profile_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "app/data_dir.h"

namespace gatehouse::app {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// The lines of `text`, each with its '\n' (the last one may lack it).
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    end = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end);
  }
  return lines;
}

// The normalized name of a section header line ("[profile  dev]" → "profile dev"), or nullopt
// when `line` is not a header.
std::optional<std::string> HeaderName(std::string_view line) {
  std::string_view t = Trim(line);
  if (t.size() < 2 || t.front() != '[' || t.back() != ']') return std::nullopt;
  std::string name;
  std::istringstream words{std::string(t.substr(1, t.size() - 2))};
  for (std::string word; words >> word;) {
    if (!name.empty()) name += ' ';
    name += word;
  }
  return name;
}

std::string ConfigSectionName(std::string_view profile) {
  // The AWS CLI reads the default profile from [default] in config, any other from [profile P].
  return profile == "default" ? "default" : "profile " + std::string(profile);
}

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// An exclusive flock on DATA/aws/.lock for the life of the object.
class ProfilesLock {
 public:
  explicit ProfilesLock(const std::string& aws_dir) {
    std::error_code ec;
    std::filesystem::create_directories(aws_dir, ec);
    fd_ = ::open((aws_dir + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~ProfilesLock() {
    if (fd_ >= 0) ::close(fd_);  // closing drops the lock
  }
  ProfilesLock(const ProfilesLock&) = delete;
  ProfilesLock& operator=(const ProfilesLock&) = delete;
  bool locked() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace

std::string AwsConfigPath(const std::string& data_dir) {
  return std::filesystem::absolute(data_dir + "/aws/config").lexically_normal();
}

std::string AwsCredentialsPath(const std::string& data_dir) {
  return std::filesystem::absolute(data_dir + "/aws/credentials").lexically_normal();
}

bool IsValidProfileName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string SetIniSection(std::string_view text, std::string_view header, std::string_view body) {
  std::string section = "[" + std::string(header) + "]\n" + std::string(body);
  std::string out;
  bool replaced = false;
  bool skipping = false;     // inside a section being replaced or dropped
  bool skipped_gap = false;  // that section ended with a blank line
  for (std::string_view line : Lines(text)) {
    if (std::optional<std::string> name = HeaderName(line)) {
      if (*name == header) {
        if (!replaced) out += section;
        replaced = true;
        skipping = true;
        skipped_gap = false;
        continue;
      }
      if (skipping && skipped_gap) out += "\n";
      skipping = false;
    }
    if (skipping) {
      skipped_gap = Trim(line).empty();
      continue;
    }
    out += line;
  }
  if (!replaced) {
    if (!out.empty() && out.back() != '\n') out += "\n";
    if (!out.empty() && !(out.size() >= 2 && out[out.size() - 2] == '\n')) out += "\n";
    out += section;
  }
  return out;
}

std::map<std::string, std::string> GetIniSection(std::string_view text, std::string_view header) {
  std::map<std::string, std::string> settings;
  bool inside = false;
  for (std::string_view line : Lines(text)) {
    if (std::optional<std::string> name = HeaderName(line)) {
      inside = *name == header;
      continue;
    }
    std::string_view t = Trim(line);
    if (!inside || t.empty() || t.front() == '#' || t.front() == ';' || IsBlank(line.front())) {
      continue;
    }
    size_t eq = t.find('=');
    if (eq == std::string_view::npos) continue;
    settings.emplace(std::string(Trim(t.substr(0, eq))), std::string(Trim(t.substr(eq + 1))));
  }
  return settings;
}

Status WriteAwsProfile(const std::string& data_dir, const AwsProfile& profile) {
  if (!IsValidProfileName(profile.name)) {
    return Status(ErrorCode::kInvalidParameterValue,
                  "invalid profile name '" + profile.name +
                      "': use 1 to 64 letters, digits, '.', '_' or '-'");
  }
  for (const std::string* value : {&profile.region, &profile.endpoint_url, &profile.access_key_id,
                                   &profile.secret_access_key}) {
    if (HasLineBreak(*value) || value->empty()) {
      return Status(ErrorCode::kInvalidParameterValue,
                    "a profile's region, endpoint, key and secret must be single lines");
    }
  }
  std::string config_path = AwsConfigPath(data_dir);
  std::string credentials_path = AwsCredentialsPath(data_dir);
  ProfilesLock lock(std::filesystem::path(config_path).parent_path());
  if (!lock.locked()) {
    return Status(ErrorCode::kServiceFailure,
                  "cannot lock " + std::filesystem::path(config_path).parent_path().string() +
                      "/.lock: " + std::strerror(errno));
  }
  std::string config =
      SetIniSection(ReadFileOrEmpty(config_path), ConfigSectionName(profile.name),
                    "region = " + profile.region + "\nendpoint_url = " + profile.endpoint_url +
                        "\noutput = json\n");
  std::string credentials =
      SetIniSection(ReadFileOrEmpty(credentials_path), profile.name,
                    "aws_access_key_id = " + profile.access_key_id +
                        "\naws_secret_access_key = " + profile.secret_access_key + "\n");
  // Credentials first: a config profile without its key would fail confusingly.
  if (Status s = WritePrivateFile(credentials_path, credentials); !s.ok()) return s;
  return WritePrivateFile(config_path, config);
}

std::map<std::string, std::string> ReadAwsConfigProfile(const std::string& data_dir,
                                                        std::string_view name) {
  return GetIniSection(ReadFileOrEmpty(AwsConfigPath(data_dir)), ConfigSectionName(name));
}

}  // namespace gatehouse::app
