// The AWS CLI's shared files that gatehouse keeps in the data directory, DATA/aws/config and
// DATA/aws/credentials, so that `AWS_CONFIG_FILE`/`AWS_SHARED_CREDENTIALS_FILE` pointed at them
// give every account gatehouse made a profile: `[profile P]` (region, endpoint_url, output) in
// config and `[P]` (the access key) in credentials. Adding a profile replaces a section of the
// same name and leaves every other section, comment and blank line as it was. Both files are
// rewritten whole (0600, through a rename) under an flock on DATA/aws/.lock, so two writers in
// different processes do not lose each other's profiles.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/status.h"

namespace gatehouse::app {

inline constexpr const char* kBootstrapProfile = "gatehouse";

struct AwsProfile {
  std::string name;
  std::string region;
  std::string endpoint_url;
  std::string access_key_id;
  std::string secret_access_key;
};

// DATA/aws/config and DATA/aws/credentials, absolute.
std::string AwsConfigPath(const std::string& data_dir);
std::string AwsCredentialsPath(const std::string& data_dir);

// Profile names gatehouse writes: 1 to 64 of [A-Za-z0-9._-], so they need no quoting anywhere.
bool IsValidProfileName(std::string_view name);

// Adds or replaces `profile` in both files.
Status WriteAwsProfile(const std::string& data_dir, const AwsProfile& profile);

// The settings (key → value) of `[profile NAME]` in DATA/aws/config; empty when the file or the
// section is missing.
std::map<std::string, std::string> ReadAwsConfigProfile(const std::string& data_dir,
                                                        std::string_view name);

// INI text, as the AWS CLI reads it. A section's header is compared with its words (split on
// white space) rejoined with one space: "[profile  dev]" is "profile dev".
// SetIniSection returns `text` with section `header` ("profile dev") holding `body` (lines
// ending with '\n'): the first section of that name replaced, later duplicates dropped, or a
// new section appended.
std::string SetIniSection(std::string_view text, std::string_view header, std::string_view body);
// The `key = value` settings of section `header`, trimmed; comments and nested (indented)
// settings are skipped.
std::map<std::string, std::string> GetIniSection(std::string_view text, std::string_view header);

}  // namespace gatehouse::app
