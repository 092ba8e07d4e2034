// For unit tests of app/: a temporary data directory with an SQLite store and the State over
// it, removed when it goes out of scope. Reopen() drops the State and loads a fresh one from
// the file, as a restarted server would.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "store/directory.h"
#include "store/sqlite_store.h"

namespace gatehouse::app::testing_support {

class TempDataDir {
 public:
  TempDataDir()
      : path_(std::filesystem::temp_directory_path() /
              ("gatehouse-app-" + std::to_string(getpid()) + "-" + std::to_string(Serial()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
    Reopen();
  }
  ~TempDataDir() {
    state_.reset();
    store_.reset();
    std::filesystem::remove_all(path_);
  }
  TempDataDir(const TempDataDir&) = delete;
  TempDataDir& operator=(const TempDataDir&) = delete;

  void Reopen() {
    state_.reset();
    store_.reset();
    auto opened = store::SqliteStore::Open(path_ + "/gatehouse.db");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(opened).value();
    state_ = std::make_unique<store::State>(*store_);
    ASSERT_TRUE(state_->Load().ok());
  }

  const std::string& path() const { return path_; }
  store::State& state() { return *state_; }
  store::SqliteStore& store() { return *store_; }

 private:
  static int Serial() {
    static std::atomic<int> next{0};
    return next++;
  }

  std::string path_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<store::State> state_;
};

}  // namespace gatehouse::app::testing_support
