// For unit tests of audit/: a fresh temporary directory, removed with everything in it when it
// goes out of scope.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace gatehouse::audit::testing_support {

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() /
              ("gatehouse-audit-" + std::to_string(getpid()) + "-" + std::to_string(Serial()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_.string(); }

 private:
  static int Serial() {
    static std::atomic<int> next{0};
    return next++;
  }
  std::filesystem::path path_;
};

}  // namespace gatehouse::audit::testing_support
