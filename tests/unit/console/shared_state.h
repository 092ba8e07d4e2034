// For the console's unit tests: one database in memory (MemoryDatabase), and any number of
// States over it, each over a MemoryStore of its own, standing for one instance of the server
// on that database.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "store/directory.h"
#include "store/memory_store.h"

namespace gatehouse::console::testing_support {

class SharedState {
 public:
  ~SharedState() {
    states_.clear();
    stores_.clear();
  }

  // A new instance's State on the database, loaded.
  store::State& Instance() {
    stores_.push_back(std::make_unique<store::MemoryStore>(database_));
    states_.push_back(std::make_unique<store::State>(*stores_.back()));
    EXPECT_TRUE(states_.back()->Load().ok());
    return *states_.back();
  }

 private:
  std::shared_ptr<store::MemoryDatabase> database_ = store::MemoryStore::NewDatabase();
  std::vector<std::unique_ptr<store::MemoryStore>> stores_;
  std::vector<std::unique_ptr<store::State>> states_;
};

}  // namespace gatehouse::console::testing_support
