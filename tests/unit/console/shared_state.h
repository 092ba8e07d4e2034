// For the console's unit tests: one SQLite database in a temporary file, and any number of
// States over it, each standing for one instance of the server on that database.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/directory.h"
#include "store/sqlite_store.h"

namespace gatehouse::console::testing_support {

class SharedState {
 public:
  SharedState()
      : path_(std::filesystem::temp_directory_path() /
              ("gatehouse-console-" + std::to_string(getpid()) + "-" + std::to_string(Serial()) +
               ".db")) {
    std::filesystem::remove(path_);
  }
  ~SharedState() {
    states_.clear();
    stores_.clear();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }

  // A new instance's State on the database, loaded.
  store::State& Instance() {
    auto opened = store::SqliteStore::Open(path_);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    stores_.push_back(std::move(opened).value());
    states_.push_back(std::make_unique<store::State>(*stores_.back()));
    EXPECT_TRUE(states_.back()->Load().ok());
    return *states_.back();
  }

 private:
  static int Serial() {
    static std::atomic<int> next{0};
    return next++;
  }

  std::string path_;
  std::vector<std::unique_ptr<store::SqliteStore>> stores_;
  std::vector<std::unique_ptr<store::State>> states_;
};

}  // namespace gatehouse::console::testing_support
