// For unit tests of IAM handlers: a temporary data directory holding an SQLite store, the
// State over it, the embedded AWS-managed policy catalog and an IamContext with the given
// master key and clock. Everything is removed when it goes out of scope.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/random.h"
#include "services/iam/iam_context.h"
#include "services/iam/managed_policies.h"
#include "services/key_usage.h"
#include "store/directory.h"
#include "store/sqlite_store.h"

namespace gatehouse::services::testing_support {

class TempIamState {
 public:
  TempIamState(std::string master_key, std::function<int64_t()> now_ms)
      : dir_(std::filesystem::temp_directory_path() /
             ("gatehouse-test-" + std::to_string(getpid()) + "-" + std::to_string(Serial()))),
        catalog_(*iam::ManagedPolicyCatalog::LoadEmbedded()) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto opened = store::SqliteStore::Open((dir_ / "gatehouse.db").string());
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(opened).value();
    state_ = std::make_unique<store::State>(*store_);
    EXPECT_TRUE(state_->Load().ok());
    iam_ = std::make_unique<iam::IamContext>(iam::IamContext{
        *state_, catalog_, random_, std::move(master_key), std::move(now_ms), usage_});
  }
  ~TempIamState() {
    iam_.reset();
    state_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  TempIamState(const TempIamState&) = delete;
  TempIamState& operator=(const TempIamState&) = delete;

  store::State& state() { return *state_; }
  const store::State& state() const { return *state_; }
  iam::IamContext& iam() { return *iam_; }
  const iam::ManagedPolicyCatalog& catalog() const { return catalog_; }
  Random& random() { return random_; }
  KeyUsage& usage() { return usage_; }

 private:
  static int Serial() {
    static std::atomic<int> next{0};
    return next++;
  }

  std::filesystem::path dir_;
  iam::ManagedPolicyCatalog catalog_;
  SystemRandom random_;
  KeyUsage usage_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<store::State> state_;
  std::unique_ptr<iam::IamContext> iam_;
};

}  // namespace gatehouse::services::testing_support
